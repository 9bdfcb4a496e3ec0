import {
  controlTemplatesFor,
  criticalityLabels,
  criticalityWeights,
  policyTemplates,
  users,
} from './catalog.ts';
import { dayMs, isoSeconds } from './dates.ts';
import type { EstateContext } from './estate-context.ts';
import { salt, unitInterval } from './random.ts';
import type { SimControl, SimPolicy } from './types.ts';

/** Control `controlIndex` of a policy of this family; about one in five is a database control. */
export function controlFor(seed: number, family: SimPolicy['family'], controlIndex: number): SimControl {
  const templates = controlTemplatesFor(family);
  const isDatabase = templates.database.length > 0 && controlIndex % 5 === 4;
  const list = isDatabase ? templates.database : templates.os;
  const position = isDatabase
    ? Math.floor(controlIndex / 5)
    : controlIndex - Math.floor((controlIndex + 1) / 5);
  const template = list[position % list.length]!;
  const cycle = Math.floor(position / list.length);
  const statement = cycle === 0 ? template.statement : `${template.statement} (profile ${cycle + 1})`;
  const familyBase = family === 'windows' ? 1000 : family === 'linux' ? 4000 : 8000;
  const cid = familyBase + controlIndex * 3 + 1;
  const criticalityDraw = unitInterval(seed, cid, salt.criticality);
  const value = criticalityWeights.findIndex((weight) => criticalityDraw < weight);
  const criticalityValue = value < 0 ? 5 : value;
  return {
    index: controlIndex,
    cid,
    statement,
    rationale: `Configuring this setting to '${template.expected}' reduces the attack surface and is required by the hardening baseline. A non-compliant value lets an attacker abuse the default behaviour.`,
    remediation: `To establish the recommended configuration, set the following value:\n\n${statement.replace(/^Status of (the )?/, '')}\n\nto '${template.expected}'. Then re-run the compliance scan.`,
    reference: template.reference,
    criticality: { label: criticalityLabels[criticalityValue] ?? 'UNDEFINED', value: criticalityValue },
    kind: template.kind,
    databaseTechnologyId: template.databaseTechnologyId,
    deprecated: unitInterval(seed, cid, salt.deprecated) < 0.05,
    expected: template.expected,
    passActual: template.passActual,
    failActual: template.failActual,
  };
}

/**
 * The estate's policies as generated (before rescans move their evaluation dates): templates in
 * turn, the last of three or more inactive.
 */
export function generatePolicies(context: EstateContext): SimPolicy[] {
  const { options, referenceMs } = context;
  return Array.from({ length: options.policies }, (_, index) => {
    const template = policyTemplates[index % policyTemplates.length]!;
    const round = Math.floor(index / policyTemplates.length);
    return {
      index,
      id: String(context.policyBase + index * 1013),
      title: round === 0 ? template.title : `${template.title} (copy ${round})`,
      family: template.family,
      status: options.policies >= 3 && index === options.policies - 1 ? 'inactive' : 'active',
      locked: index === 1 ? 1 : 0,
      createdBy: users[index % users.length]!,
      createdDate: isoSeconds(referenceMs - (400 + index * 37) * dayMs + 3_600_000),
      modifiedBy: users[(index + 1) % users.length]!,
      modifiedDate: isoSeconds(referenceMs - (20 + index * 3) * dayMs + 7_200_000),
      lastEvaluatedDate: isoSeconds(referenceMs - (index * 3600 + 600) * 1000),
      controls: Array.from({ length: options.controlsPerPolicy }, (_unused, controlIndex) =>
        controlFor(context.seed, template.family, controlIndex),
      ),
    };
  });
}
