/** What the setup checks need from Dynamics besides reading pages. */
import type { SourceReader } from './ports.js';

export interface EntityDefinitionInfo {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly changeTrackingEnabled: boolean;
}

export interface SetupSource extends SourceReader {
  /** Throws FatalError('not_dataverse') when the URL does not answer as Dataverse. */
  ping(): Promise<unknown>;
  whoAmI(): Promise<{ userId: string; businessUnitId: string; organizationId: string }>;
  /** The user's sign-in name (domainname) and email, to check WhoAmI matches the configured user. */
  userNames(userId: string): Promise<{ domainName: string | null; email: string | null }>;
  entityDefinition(logicalName: string): Promise<EntityDefinitionInfo>;
  privileges(userId: string): Promise<ReadonlySet<string>>;
}
