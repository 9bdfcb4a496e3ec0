import { isoSeconds } from '../estate/dates.ts';
import { compliancePolicyEntryOf, compliancePolicyListXml, parseIdList } from './compliance-policy-list.ts';
import type { SimulatorRuntime } from './runtime.ts';

/** `action=list` of the classic compliance policy list, which maps report titles to policy IDs. */
export function listCompliancePolicies(runtime: SimulatorRuntime, parameters: URLSearchParams): Response {
  const { estate } = runtime;
  const action = parameters.get('action');
  if (!action)
    return runtime.simpleReturn(400, { code: 1903, text: 'Missing required parameter(s): action' });
  if (action !== 'list') {
    return runtime.simpleReturn(400, { code: 1905, text: `parameter action has invalid value: ${action}` });
  }
  const detailsText = parameters.get('details') ?? 'Basic';
  const details = (['None', 'Basic', 'All'] as const).find(
    (candidate) => candidate.toLowerCase() === detailsText.toLowerCase(),
  );
  if (!details) {
    return runtime.simpleReturn(400, {
      code: 1905,
      text: `parameter details has invalid value: ${detailsText} (use None, Basic or All)`,
    });
  }
  const idsText = parameters.get('ids');
  const matches = idsText === null ? () => true : parseIdList(idsText);
  if (!matches) {
    return runtime.simpleReturn(400, { code: 1905, text: `parameter ids has invalid value: ${idsText}` });
  }
  const reference = estate.options.referenceDate;
  const entries = [
    ...estate.policies().map(compliancePolicyEntryOf),
    ...runtime.extraCompliancePolicies.map((extra) => ({
      id: extra.id,
      title: extra.title,
      createdDate: reference,
      createdBy: estate.options.userLogin,
      modifiedDate: reference,
      modifiedBy: estate.options.userLogin,
      lastEvaluatedDate: reference,
      status: 'active' as const,
      locked: 0 as const,
      tagIds: [],
    })),
  ].filter((entry) => matches(entry.id));
  const xml = compliancePolicyListXml(
    entries,
    details,
    isoSeconds(runtime.now()),
    runtime.options.platformHost,
  );
  return new Response(xml, { status: 200, headers: { 'Content-Type': 'text/xml;charset=UTF-8' } });
}
