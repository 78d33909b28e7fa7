import { type Api, bodyAt, client, loginAdmin } from "../helpers";

type PersonalKeyBody = Parameters<Api["users"]["me"]["api-keys"]["$post"]>[0]["json"];
type ServiceKeyBody = Parameters<
  Api["users"]["admin"]["service-accounts"][":sa_id"]["keys"]["$post"]
>[0]["json"];

/** Creates a personal API key through the API (with a session) and returns the answer. */
export async function createPersonalKey(
  sessionToken: string,
  body: Omit<PersonalKeyBody, "name"> & { name?: string },
) {
  const res = await client({ token: sessionToken }).users.me["api-keys"].$post({
    json: { name: "script", ...body },
  });
  return bodyAt(res, 201);
}

/** A new service account with one key holding `scopes`. */
export async function createServiceAccount(scopes: ServiceKeyBody["scopes"], groupIds?: string[]) {
  const { token: admin } = await loginAdmin();
  const accounts = client({ token: admin }).users.admin["service-accounts"];
  const name = `app-${crypto.randomUUID().slice(0, 8)}`;
  const json = groupIds ? { name, group_ids: groupIds } : { name };
  const account = await bodyAt(await accounts.$post({ json }), 201);
  const keyRes = await accounts[":sa_id"].keys.$post({
    param: { sa_id: account.id },
    json: { name: "backend", scopes },
  });
  return { admin, account, key: await bodyAt(keyRes, 201) };
}
