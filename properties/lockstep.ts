// The lockstep runner: apply each op to spec and impl, compare results, check every invariant after
// every op, compare full snapshots every K ops and at the end (DESIGN.md §10).
import type { FolioHolders, MachineConfig, MmEvent, MmSystem, MmSystemFactory, Op, OpResult, ProfileName, Snapshot, Trace } from '../model/api/index.js';
import { PROFILES } from '../model/profiles.js';
import { createImplSystem } from '../model/impl/index.js';
import { createSpecSystem } from '../model/spec/index.js';
import { firstDifference } from './diff.js';
import { DIVERGENCE_IDS, type Finding, type InvariantContext } from './findings.js';
import { INVARIANTS } from './invariants/index.js';

export type ImplChoice = 'both' | 'spec' | 'impl';

export interface Factories {
  readonly spec: MmSystemFactory;
  readonly impl: MmSystemFactory;
}

export const DEFAULT_FACTORIES: Factories = { spec: createSpecSystem, impl: createImplSystem };

export interface RunOptions {
  readonly impl?: ImplChoice;
  /** compare full snapshots every K ops (and always after the last op); default 1 */
  readonly stateEvery?: number;
  /** keep the snapshot after every step (for step tables) */
  readonly recordSnapshots?: boolean;
  /** stop at the first finding (fuzzing, shrinking) */
  readonly stopAtFirst?: boolean;
  /** stop at the first finding this accepts */
  readonly stopWhen?: (f: Finding) => boolean;
  readonly factories?: Factories;
}

export interface StepRecord {
  readonly i: number;
  readonly op: Op;
  /** the reference result (spec's under `both`) */
  readonly result: OpResult;
  readonly findings: readonly Finding[];
  readonly events: readonly MmEvent[];
  readonly after?: Snapshot;
}

export interface RunOutcome {
  readonly initial?: Snapshot;
  readonly steps: readonly StepRecord[];
  readonly violations: readonly Finding[];
  readonly divergences: readonly Finding[];
}

function safeApply(sys: MmSystem, op: Op): OpResult | Error {
  try {
    return sys.apply(op);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function checkInvariants(ctx: InvariantContext, step: number): Finding[] {
  const out: Finding[] = [];
  for (const inv of INVARIANTS) {
    for (const message of inv.check(ctx)) out.push({ step, id: inv.id, message });
  }
  return out;
}

/** Applies ops one at a time to spec and/or impl, checking and comparing after each. */
export class Lockstep {
  readonly initial: Snapshot;
  readonly violations: Finding[] = [];
  readonly divergences: Finding[] = [];
  readonly steps: StepRecord[] = [];
  /** the state after the last op, as the primary implementation (impl under `both`) sees it */
  current: Snapshot;
  /** an implementation threw: nothing more can be applied */
  broken = false;
  private readonly spec: MmSystem | undefined;
  private readonly impl: MmSystem | undefined;
  private readonly primary: MmSystem;
  private readonly stateEvery: number;
  private readonly profile;

  constructor(
    private readonly machine: MachineConfig,
    profileName: ProfileName,
    private readonly opts: RunOptions = {},
  ) {
    const choice = opts.impl ?? 'both';
    const factories = opts.factories ?? DEFAULT_FACTORIES;
    this.stateEvery = Math.max(1, opts.stateEvery ?? 1);
    this.profile = PROFILES[profileName];
    this.spec = choice === 'impl' ? undefined : factories.spec(machine, this.profile);
    this.impl = choice === 'spec' ? undefined : factories.impl(machine, this.profile);
    this.primary = (this.impl ?? this.spec) as MmSystem;
    this.initial = this.primary.snapshot();
    this.current = this.initial;
    this.holders = this.spec?.holders?.();
    const ctx = { config: machine, profile: this.profile, snapshot: this.initial, ...(this.holders ? { holders: this.holders } : {}) };
    for (const f of checkInvariants(ctx, -1)) this.record(f);
    this.spec?.drainEvents?.();
  }

  /** the spec's exact holders after the last op (undefined when the spec does not run) */
  private holders: readonly FolioHolders[] | undefined;

  private record(f: Finding): void {
    (DIVERGENCE_IDS.has(f.id) ? this.divergences : this.violations).push(f);
  }

  get findings(): number {
    return this.violations.length + this.divergences.length;
  }

  /** Apply one op; `last` forces the full-state comparison. */
  step(op: Op, last = false): StepRecord {
    const i = this.steps.length;
    const findings: Finding[] = [];
    const specResult = this.spec ? safeApply(this.spec, op) : undefined;
    const implResult = this.impl ? safeApply(this.impl, op) : undefined;
    for (const [who, r] of [['spec', specResult], ['impl', implResult]] as const) {
      if (r instanceof Error) findings.push({ step: i, id: 'model/exception', message: `${who} threw: ${r.message}` });
    }
    const ok = (r: OpResult | Error | undefined): r is OpResult => r !== undefined && !(r instanceof Error);
    if (ok(specResult) && ok(implResult)) {
      const d = firstDifference(specResult, implResult, 'result');
      if (d) findings.push({ step: i, id: 'diff/result', message: d });
    }
    const result: OpResult = ok(specResult) ? specResult : ok(implResult) ? implResult : { ret: '-EINVAL' };
    this.broken = findings.some((f) => f.id === 'model/exception');
    const events = this.spec?.drainEvents?.() ?? [];
    if (!this.broken) {
      const before = this.current;
      const holdersBefore = this.holders;
      this.current = this.primary.snapshot();
      this.holders = this.spec?.holders?.();
      const seen = ok(implResult) ? implResult : result;
      const ctx: InvariantContext = {
        config: this.machine,
        profile: this.profile,
        snapshot: this.current,
        op,
        result: seen,
        before,
        events,
        ...(this.holders ? { holders: this.holders } : {}),
        ...(holdersBefore ? { holdersBefore } : {}),
      };
      findings.push(...checkInvariants(ctx, i));
      if (this.spec && this.impl && ((i + 1) % this.stateEvery === 0 || last)) {
        const d = firstDifference(this.spec.snapshot(), this.current, 'state');
        if (d) findings.push({ step: i, id: 'diff/state', message: d });
      }
    }
    const rec: StepRecord = { i, op, result, findings, events, ...(this.opts.recordSnapshots && !this.broken ? { after: this.current } : {}) };
    this.steps.push(rec);
    for (const f of findings) this.record(f);
    return rec;
  }

  outcome(): RunOutcome {
    return {
      ...(this.opts.recordSnapshots ? { initial: this.initial } : {}),
      steps: this.steps,
      violations: this.violations,
      divergences: this.divergences,
    };
  }
}

/** Run a validated trace. Never throws for a model bug: exceptions become `model/exception`. */
export function runTrace(trace: Trace, opts: RunOptions = {}): RunOutcome {
  const run = new Lockstep(trace.machine, trace.profile, opts);
  const stops = (found: readonly Finding[]) => (opts.stopAtFirst && found.length > 0) || (opts.stopWhen !== undefined && found.some(opts.stopWhen));
  // the initial state is checked too: a finding there needs no op at all
  if (stops(run.violations)) return run.outcome();
  for (let i = 0; i < trace.ops.length; i++) {
    const rec = run.step(trace.ops[i] as Op, i === trace.ops.length - 1);
    if (run.broken || stops(rec.findings)) break;
  }
  return run.outcome();
}

/** The id of the first finding of a run, if any. */
export function firstFinding(outcome: RunOutcome): Finding | undefined {
  const all = [...outcome.violations, ...outcome.divergences].sort((a, b) => a.step - b.step);
  return all[0];
}
