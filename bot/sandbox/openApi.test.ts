import { serve, type ServerType } from "@hono/node-server";
import * as lark from "@larksuiteoapi/node-sdk";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from ".";

// The sandbox's Open API, called through the real SDK as the product calls Lark.

let sandbox: Sandbox;
let server: ServerType;
let client: lark.Client;
const appId = "cli_a1b2c3d4e5f60718";

beforeAll(async () => {
  sandbox = createSandbox({ appId, appSecret: "secret", verificationToken: "v" });
  sandbox.addUser({ openId: "ou_zhangwei", name: "张伟", departmentIds: ["city-amr"] });
  sandbox.setDepartments([
    { id: "city-gov", name: "临江市人民政府", parentId: null },
    { id: "city-amr", name: "市市场监督管理局", parentId: "city-gov" },
    { id: "city-tax", name: "市税务局", parentId: "city-gov" },
  ]);
  server = await new Promise((resolve) => {
    const s = serve({ fetch: sandbox.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  client = new lark.Client({ appId, appSecret: "secret", domain: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cache: new lark.DefaultCache(), loggerLevel: lark.LoggerLevel.error });
});
afterAll(() => {
  sandbox.close();
  server.close();
});

describe("sandbox Open API through the SDK", () => {
  it("contact: a user and a department with its children, paged", async () => {
    const user = await client.contact.v3.user.get({ path: { user_id: "ou_zhangwei" }, params: { user_id_type: "open_id" } });
    expect(user.data?.user).toMatchObject({ open_id: "ou_zhangwei", name: "张伟", department_ids: ["city-amr"] });
    const dept = await client.contact.v3.department.get({ path: { department_id: "city-amr" } });
    expect(dept.data?.department).toMatchObject({ name: "市市场监督管理局", parent_department_id: "city-gov" });
    const page1 = await client.contact.v3.department.children({ path: { department_id: "city-gov" }, params: { page_size: 1 } });
    expect(page1.data).toMatchObject({ has_more: true, items: [{ department_id: "city-amr" }] });
    const page2 = await client.contact.v3.department.children({ path: { department_id: "city-gov" }, params: { page_size: 1, page_token: page1.data!.page_token! } });
    expect(page2.data).toMatchObject({ has_more: false, items: [{ department_id: "city-tax" }] });
  });

  it("sign-in: a code is exchanged once for a user token that reads the user", async () => {
    const code = sandbox.issueAuthCode("ou_zhangwei");
    const token = await client.authen.v1.oidcAccessToken.create({ data: { grant_type: "authorization_code", code } });
    expect(token.code).toBe(0);
    const info = await client.authen.v1.userInfo.get({}, lark.withUserAccessToken(token.data!.access_token!));
    expect(info.data).toMatchObject({ open_id: "ou_zhangwei", name: "张伟" });
    const again = await client.authen.v1.oidcAccessToken.create({ data: { grant_type: "authorization_code", code } });
    expect(again.code).toBe(20003);
    const expired = sandbox.issueAuthCode("ou_zhangwei", -1);
    expect((await client.authen.v1.oidcAccessToken.create({ data: { grant_type: "authorization_code", code: expired } })).code).toBe(20004);
  });

  it("messages: unknown user, uuid de-duplication, a non-shared card cannot be patched", async () => {
    await expect(
      client.im.v1.message.create({ params: { receive_id_type: "open_id" }, data: { receive_id: "ou_nobody", msg_type: "text", content: JSON.stringify({ text: "hi" }) } }),
    ).rejects.toMatchObject({ response: { status: 400, data: { code: 230013 } } });
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: "open_id" },
      data: { receive_id: "ou_zhangwei", msg_type: "interactive", content: JSON.stringify({ schema: "2.0", body: { elements: [] } }), uuid: "u-1" },
    });
    await expect(client.im.v1.message.patch({ path: { message_id: sent.data!.message_id! }, data: { content: "{}" } })).rejects.toMatchObject({
      response: { data: { code: 230031 } },
    });
    const dup = await client.im.v1.message.create({
      params: { receive_id_type: "open_id" },
      data: { receive_id: "ou_zhangwei", msg_type: "interactive", content: JSON.stringify({ schema: "2.0", body: { elements: [] } }), uuid: "u-1" },
    });
    expect(dup.data!.message_id).toBe(sent.data!.message_id);
    expect(sandbox.messages({ receiveId: "ou_zhangwei" })).toHaveLength(1);
  });
});

describe("sandbox fault injection, by the platform's clock", () => {
  it("answers 429 with its rate-limit headers, then 500, during the spans asked for, and records every send", async () => {
    let clock = 1_000_000;
    const faulty = createSandbox({ appId, appSecret: "secret", verificationToken: "v", now: () => clock });
    faulty.addUser({ openId: "ou_zhangwei", name: "张伟" });
    faulty.failDuring({ status: 429, from: 1_000_000, until: 1_060_000, rateLimitResetSeconds: 7 });
    faulty.failDuring({ status: 500, from: 1_060_000, until: 1_660_000 });
    const s: ServerType = await new Promise((resolve) => {
      const x = serve({ fetch: faulty.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(x));
    });
    try {
      const c = new lark.Client({ appId, appSecret: "secret", domain: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, cache: new lark.DefaultCache(), loggerLevel: lark.LoggerLevel.fatal });
      const send = () => c.im.v1.message.create({ params: { receive_id_type: "open_id" }, data: { receive_id: "ou_zhangwei", msg_type: "text", content: JSON.stringify({ text: "hi" }), uuid: "u-f" } });
      await expect(send()).rejects.toMatchObject({ response: { status: 429, headers: { "x-ogw-ratelimit-reset": "7" }, data: { code: 99991400 } } });
      clock = 1_059_999;
      await expect(send()).rejects.toMatchObject({ response: { status: 429 } });
      clock = 1_060_000;
      await expect(send()).rejects.toMatchObject({ response: { status: 500 } });
      clock = 1_660_000;
      expect((await send()).code).toBe(0);
      expect(faulty.sendLog().map((r) => [r.at, r.kind, r.status])).toEqual([
        [1_000_000, "create", 429],
        [1_059_999, "create", 429],
        [1_060_000, "create", 500],
        [1_660_000, "create", 200],
      ]);
      expect(faulty.messages({ receiveId: "ou_zhangwei" })).toHaveLength(1);
    } finally {
      faulty.close();
      s.close();
    }
  });
  it("urgent_app: on the bot's own message, to members of its chat only; recorded; refusable for tests", async () => {
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: "open_id" },
      data: { receive_id: "ou_zhangwei", msg_type: "text", content: JSON.stringify({ text: "督办" }) },
    });
    const messageId = sent.data!.message_id!;
    const urgent = (ids: string[], id = messageId) =>
      client.im.v1.message.urgentApp({ path: { message_id: id }, params: { user_id_type: "open_id" }, data: { user_id_list: ids } });
    expect((await urgent(["ou_zhangwei", "ou_stranger"])).data).toEqual({ invalid_user_id_list: ["ou_stranger"] });
    expect(sandbox.urgentNotices()).toEqual([expect.objectContaining({ messageId, openIds: ["ou_zhangwei"] })]);
    // A person's own message cannot be made urgent by the bot.
    const { message } = await sandbox.sendUserMessage({ openId: "ou_zhangwei", text: "你好" });
    await expect(urgent(["ou_zhangwei"], message.message_id)).rejects.toMatchObject({ response: { status: 400, data: { code: 230001 } } });
    sandbox.refuseUrgent({ code: 230002, msg: "Bot/User can NOT be out of the chat.", count: 1 });
    await expect(urgent(["ou_zhangwei"])).rejects.toMatchObject({ response: { status: 400, data: { code: 230002 } } });
    expect((await urgent(["ou_zhangwei"])).code).toBe(0);
    expect(sandbox.urgentNotices()).toHaveLength(2);
  });
});
