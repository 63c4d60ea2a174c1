/**
 * A handheld's floor steps over GraphQL (`POST /graphql` on a real socket), as the api bench drives them beside REST and
 * gRPC: the same `FloorOps`, timings recorded under the same step names. A refusal (a business error member, or an
 * error in `errors[]`) throws.
 */
import type { FloorOps, PickListView } from './flow-driver.ts';

const ERRORS = '... on BusinessError { code message }';

export function graphqlFloor(url: string, key: string, timings?: Map<string, number[]>): FloorOps {
  const gql = async <T>(step: string, query: string, variables: Record<string, unknown>, tolerated: readonly string[] = []): Promise<T> => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ query, variables }),
      });
      const json = (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
      if (res.status !== 200 || json.errors !== undefined) throw new Error(`${step} → ${res.status} ${JSON.stringify(json.errors ?? json)}`);
      const [answer] = Object.values(json.data ?? {}) as ({ __typename?: string; code?: string; message?: string } & T)[];
      if (answer !== undefined && typeof answer.code === 'string' && !tolerated.includes(answer.__typename ?? '')) throw new Error(`${step} → ${answer.__typename} ${answer.code}: ${answer.message}`);
      return answer as T;
    } finally {
      if (timings !== undefined) {
        const list = timings.get(step) ?? [];
        list.push(performance.now() - t0);
        timings.set(step, list);
      }
    }
  };
  return {
    async nextTask(worker, siteId) {
      const next = await gql<{ __typename: string; id: string; reference: string }>('next task',
        `mutation($w: ID!, $s: String!) { nextTask(workerId: $w, siteId: $s) { __typename ... on Task { id reference } ${ERRORS} } }`, { w: worker, s: siteId });
      return next.__typename === 'NoTask' ? undefined : { id: next.id, reference: next.reference };
    },
    async startTask(taskId, worker) {
      await gql('start task', `mutation($id: ID!, $w: ID!) { startTask(id: $id, workerId: $w) { __typename ${ERRORS} } }`, { id: taskId, w: worker });
    },
    pickList: (id) => gql<PickListView>('get pick list',
      `query($id: ID!) { pickList(id: $id) { id orderIds lines { id sku locationCode locationId expectedBarcode quantity picked status orderId } } }`, { id }),
    async confirm(listId, lineId, scan) {
      await gql('confirm pick', `mutation($p: ID!, $l: ID!, $loc: String!, $b: String!, $q: Int!, $tote: String!) {
        confirmPick(pickListId: $p, lineId: $l, locationCode: $loc, barcode: $b, quantity: $q, toteId: $tote) { __typename ${ERRORS} } }`,
      { p: listId, l: lineId, loc: scan.locationCode, b: scan.barcode, q: scan.quantity, tote: scan.toteId });
    },
    async short(listId, lineId, reason) {
      await gql('short pick', `mutation($p: ID!, $l: ID!, $r: String!) { shortPick(pickListId: $p, lineId: $l, reason: $r) { __typename ${ERRORS} } }`,
        { p: listId, l: lineId, r: reason });
    },
    async complete(taskId, worker) {
      // The pick list's completion may have completed the task already: a Conflict then says so, as REST's 409 would.
      await gql('complete task', `mutation($id: ID!, $w: ID!) { completeTask(id: $id, workerId: $w) { __typename ${ERRORS} } }`, { id: taskId, w: worker },
        ['Conflict']);
    },
  };
}
