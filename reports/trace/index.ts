// Trace documents: parsing, validation and the JSON paths that name what is wrong.
export { parseTrace, validateTrace, unknownProfileMessage, type TraceResult, type TraceOptions } from './parse.js';
export { validateMachine, MACHINE_LIMITS, nidSet, tidSet, type MachineResult } from './machine.js';
export { OP_FIELDS, OP_RULES, MAX_PAGES_PER_CALL, cmaAreas, readOp, type OpContext, type OpRule, type FieldReader, type FieldSpec, type OpFields } from './ops.js';
export { formatInvalid, type Invalid } from './json-path.js';
export { formatTrace, formatJson } from './format.js';
export { NP_OPS_NAMES, CALLBACK_NAMES, npOpsRuleViolation, shortNpOps } from './private.js';
