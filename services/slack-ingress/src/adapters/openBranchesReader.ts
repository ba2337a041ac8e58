import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { OPEN_BRANCHES_KEY, type OpenBranch, OpenBranchesSnapshot } from '@branch-envs/shared/openBranches';

/**
 * The resolver's last listing of open pull requests (ADR 0026), one GetItem on its cache table. The
 * type-ahead must answer within Slack's 3 s, so a missing or unreadable item is no options, not an error.
 */
export const createOpenBranchesReader =
  (client: DynamoDBDocumentClient, tableName: string, onError: (error: unknown) => void) =>
  async (): Promise<readonly OpenBranch[]> => {
    try {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { url: OPEN_BRANCHES_KEY } }),
      );
      if (typeof out.Item?.body !== 'string') return [];
      const parsed = OpenBranchesSnapshot.safeParse(JSON.parse(out.Item.body));
      return parsed.success ? parsed.data.branches : [];
    } catch (error) {
      onError(error);
      return [];
    }
  };
