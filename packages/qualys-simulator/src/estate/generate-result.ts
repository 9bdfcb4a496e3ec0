import { exceptionAssignees } from './catalog.ts';
import { dayMs, isoSeconds } from './dates.ts';
import type { EstateContext } from './estate-context.ts';
import { pickOne, salt, unitInterval } from './random.ts';
import { statusHistory } from './status-history.ts';
import type { SimCauseOfFailure, SimControl, SimException, SimHost, SimPolicy, SimResult } from './types.ts';

/** One result (host x policy x control x instance) with its status history, evidence and exception. */
export function generateResult(
  context: EstateContext,
  policy: SimPolicy,
  host: SimHost,
  control: SimControl,
  technology: SimHost['osTechnology'],
  instance: string,
  instanceIndex: number,
): SimResult {
  const { seed, options } = context;
  const keys = [host.index, control.cid, instanceIndex] as const;
  const history = statusHistory(context, host, keys);
  const { status, baseEvaluationMs } = history;
  let exception: SimException | null = null;
  if (status === 'Failed' && unitInterval(seed, ...keys, salt.exception) < options.exceptionRatio) {
    exception = {
      assignee: pickOne(exceptionAssignees, seed, ...keys, salt.exception, 1),
      status: unitInterval(seed, ...keys, salt.exceptionStatus) < 0.7 ? 'Approved' : 'Pending',
      endDate: isoSeconds(context.referenceMs + 90 * dayMs),
      creator: options.userLogin,
      createdDate: isoSeconds(baseEvaluationMs - 3 * dayMs),
      modifier: options.userLogin,
      modifiedDate: isoSeconds(baseEvaluationMs - 2 * dayMs),
      comments: 'Compensating control in place; see change ticket CHG-1042.',
    };
  }
  const causeOfFailure: SimCauseOfFailure | null =
    status === 'Failed'
      ? {
          missing: { logic: 'ALL', values: [control.expected] },
          unexpected: { values: [control.failActual] },
        }
      : null;
  return {
    id:
      context.recordBase +
      ((policy.index * options.hosts + host.index) * options.controlsPerPolicy + control.index) * 4 +
      instanceIndex,
    host,
    policy,
    control,
    technology,
    instance,
    status,
    previousStatus: history.previousStatus,
    firstFailDate: history.firstFail ? isoSeconds(history.firstFail) : '',
    lastFailDate: history.lastFail ? isoSeconds(history.lastFail) : '',
    firstPassDate: history.firstPass ? isoSeconds(history.firstPass) : '',
    lastPassDate: history.lastPass ? isoSeconds(history.lastPass) : '',
    postureModifiedDate: isoSeconds(history.modifiedAt),
    lastEvaluatedDate: isoSeconds(history.evaluatedAt),
    created: isoSeconds(history.evaluatedAt + 7_261_000),
    evidence: {
      expected: control.expected,
      actual: status === 'Passed' ? control.passActual : status === 'Failed' ? control.failActual : '',
      extendedEvidence:
        status === 'Error'
          ? 'Error: the control evaluation failed (data collection timed out on the host).'
          : null,
    },
    causeOfFailure,
    exception,
  };
}
