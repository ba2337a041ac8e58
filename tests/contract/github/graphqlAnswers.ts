/**
 * Whether a GraphQL answer is one GitHub's schema could have produced for a query: the answer's data
 * is fed back through `graphql.execute` over GitHub's schema, so a missing non-null field, a value of
 * the wrong type or a field the query never asked for shows up as a problem.
 */
import { isDeepStrictEqual } from 'node:util';
import { executeSync, parse } from 'graphql';
import { githubGraphqlSchema } from './githubDescription';

const VARIABLES = { owner: 'acme', name: 'shop', first: 100 };

/** Interfaces and unions (`author: Actor`) need a concrete type; the stand-ins' actors are users. */
const typeResolver = (value: unknown): string =>
  typeof value === 'object' && value !== null && '__typename' in value ? String(value.__typename) : 'User';

export const graphqlAnswerProblems = (query: string, answer: unknown): string[] => {
  const data = (answer as { data?: unknown }).data;
  if (data === undefined) return ['the answer has no data'];
  const replayed = executeSync({
    schema: githubGraphqlSchema(),
    document: parse(query),
    rootValue: data,
    variableValues: VARIABLES,
    typeResolver,
  });
  const problems = (replayed.errors ?? []).map((e) => `${e.path?.join('.') ?? ''}: ${e.message}`);
  if (problems.length === 0) problems.push(...differences(JSON.parse(JSON.stringify(replayed.data)), data));
  return problems;
};

/** Where the answer differs from what the schema made of it: fields not asked for, or reshaped values. */
const differences = (expected: unknown, actual: unknown, path = 'data'): string[] => {
  if (isDeepStrictEqual(expected, actual)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(expected) || !isObject(actual))
    return [`${path}: ${JSON.stringify(actual)} is not what the schema gives`];
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].flatMap((key) =>
    key in expected
      ? differences(expected[key], actual[key], `${path}.${key}`)
      : [`${path}.${key}: not asked for`],
  );
};
