import { CancelledError, type Logger, PermissionError } from '@posturesync/core';
import type { ClassicApi } from './classic-api.ts';
import { policyIdForTitle, shownTitle } from './policy-by-title.ts';
import { fetchPolicyList, type PolicyListEntry } from './policy-list.ts';

export interface PolicyIdentityOptions {
  /** `policyId` from the connector configuration: wins over everything. */
  configuredPolicyId: string | null;
  /** The policy a launched report was launched for. */
  launchedPolicyId: string | null;
  logger: Pick<Logger, 'info' | 'warn'>;
  signal?: AbortSignal;
}

/**
 * Which policy a report covers. Real Policy Report CSVs name it by title only (no ID column),
 * so, in order: the configured `policyId`; the launch's policy ID for a report posturesync
 * launched; an ID the file carries (older layouts, XML); else the SUMMARY title, looked up in
 * the compliance policy list, fetched at most once per sync through the connector's client.
 *
 * The list is fetched by `prepare()` before the report is downloaded, not when SUMMARY is read:
 * the client sends one call at a time and an open report body holds that slot until it ends,
 * so a lookup in the middle of the report would wait for itself.
 */
export class PolicyIdentity {
  readonly #api: ClassicApi;
  readonly #options: PolicyIdentityOptions;
  #list: PolicyListEntry[] | null = null;
  /** Why `prepare()` could not fetch the list; raised only if a title has to be looked up. */
  #failure: unknown = null;

  constructor(api: ClassicApi, options: PolicyIdentityOptions) {
    this.#api = api;
    this.#options = options;
  }

  /** The ID known without reading the file, for results of a report without SUMMARY. */
  get knownPolicyId(): string | null {
    return this.#options.configuredPolicyId ?? this.#options.launchedPolicyId;
  }

  /**
   * Fetches the policy list unless an ID is known without the file. A failure is kept, not
   * raised: a report that carries its policy ID does not need the list. Called before each
   * report attempt; after a success it does nothing.
   */
  async prepare(): Promise<void> {
    if (this.knownPolicyId || this.#list) return;
    this.#failure = null;
    try {
      this.#list = await fetchPolicyList(this.#api, this.#options.signal);
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      this.#failure = error;
    }
  }

  /** The policy ID of one SUMMARY row; null only when it names neither an ID nor a title. */
  async resolve(fields: { policyId: string | null; title: string | null }): Promise<string | null> {
    const known = this.knownPolicyId;
    if (known) {
      if (fields.policyId && fields.policyId !== known) {
        this.#options.logger.warn(
          `The policy report names policy ${shownTitle(fields.policyId)} but policy ${known} is configured; its findings are stored under ${known}.`,
          { reportPolicyId: fields.policyId, policyId: known },
        );
      }
      return known;
    }
    if (fields.policyId) return fields.policyId;
    if (!fields.title) return null;
    const id = policyIdForTitle(await this.#policies(), fields.title);
    this.#options.logger.info(
      `Policy ${shownTitle(fields.title)} is policy ${id} in the Qualys policy list`,
      {
        policyId: id,
      },
    );
    return id;
  }

  /** The list `prepare()` fetched, or its failure (a permission problem with what to do about it). */
  async #policies(): Promise<PolicyListEntry[]> {
    if (!this.#list && this.#failure === null) await this.prepare();
    if (this.#list) return this.#list;
    const error = this.#failure;
    if (error instanceof PermissionError) {
      throw new PermissionError(
        `${error.message} The report names its policy by title only, so posturesync looks its ID up in the compliance policy list; set policyId in the connector configuration to skip the lookup.`,
        { cause: error, details: error.details },
      );
    }
    throw error;
  }
}
