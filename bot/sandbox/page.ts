import { Hono } from "hono";
import type { Sandbox } from "./index";

// The sandbox's web chat: talk to the bot as any demo user, in private or in a department group, and click cards.

export function sandboxPage(sandbox: Sandbox, opts: { botOpenId: string; botName: string; miniAppLoginPath: string | null }) {
  const app = new Hono();
  // Server-side values enter the page escaped for where they land: HTML text, or a JSON literal in the script.
  // (Replacer functions, so that a "$&" in a value stays literal.)
  const page = PAGE.replaceAll("__BOT_NAME__", () => escapeHtml(opts.botName))
    .replace("__CONFIG__", () => scriptJson({ botName: opts.botName, login: opts.miniAppLoginPath ?? "" }))
    .replace("__LOGIN_STYLE__", opts.miniAppLoginPath ? "" : "display:none");
  app.get("/", (c) => c.html(page));
  app.get("/api/users", (c) => c.json(sandbox.users()));
  app.get("/api/chats", (c) => c.json(sandbox.chatsOf(c.req.query("openId") ?? "")));
  app.get("/api/messages", (c) => {
    const chatId = c.req.query("chatId") ?? "";
    const users = new Map(sandbox.users().map((u) => [u.openId, u.name]));
    return c.json(
      sandbox.messages({ chatId }).map((m) => ({
        ...m,
        senderName: m.sender.sender_type === "app" ? opts.botName : (users.get(m.sender.id) ?? m.sender.id),
      })),
    );
  });
  app.post("/api/send", async (c) => {
    const b = await c.req.json().catch(() => ({}));
    try {
      const r = await sandbox.sendUserMessage({ openId: b.openId, chatId: b.chatId, text: String(b.text ?? ""), mentionBot: b.mentionBot !== false });
      return c.json({ ok: true, delivery: r.delivery.status });
    } catch (err) {
      return c.json({ ok: false, error: (err as Error).message }, 400);
    }
  });
  // A file from the page: the raw body, named in the query; parentId makes it a reply to that message (a card).
  app.post("/api/send-file", async (c) => {
    const q = c.req.query();
    try {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const kind = /\.(png|jpe?g)$/i.test(q.name ?? "") && q.asImage === "1" ? "image" : "file";
      const r = await sandbox.sendUserFile({ openId: q.openId ?? "", chatId: q.chatId || undefined, name: q.name || "文件", bytes, kind, ...(q.parentId ? { parentId: q.parentId } : {}) });
      return c.json({ ok: true, delivery: r.delivery.status });
    } catch (err) {
      return c.json({ ok: false, error: (err as Error).message }, 400);
    }
  });
  app.post("/api/click", async (c) => {
    const b = await c.req.json().catch(() => ({}));
    try {
      const r = await sandbox.clickCard({ openId: b.openId, messageId: b.messageId, value: b.value ?? {}, name: b.name, formValue: b.formValue ?? {} });
      return c.json({ ok: r.status === 200, toast: r.body?.toast ?? null, status: r.status });
    } catch (err) {
      return c.json({ ok: false, error: (err as Error).message }, 400);
    }
  });
  app.post("/api/login-code", async (c) => {
    const b = await c.req.json().catch(() => ({}));
    const openId = typeof b?.openId === "string" ? b.openId : "";
    if (!sandbox.users().some((u) => u.openId === openId)) {
      const error = openId ? `沙箱中没有用户 ${openId}：请从「当前用户」中选择一位演示用户。` : '请填写 openId，例如 {"openId":"ou_liuyang"}';
      return c.json({ error: { code: openId ? "not_found" : "invalid_input", message: error } }, openId ? 404 : 400);
    }
    return c.json({ code: sandbox.issueAuthCode(openId) });
  });
  return app;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
/** JSON that cannot end the <script> element it sits in. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>协同 · 沙箱聊天</title>
<style>
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;background:#f2f3f5;color:#1f2329}
header{display:flex;gap:8px;align-items:center;flex-wrap:wrap;padding:10px 12px;background:#3370ff;color:#fff}
header h1{font-size:16px;margin:0 8px 0 0}header select,header a{font-size:14px}header a{color:#fff}
main{display:flex;height:calc(100vh - 52px)}#chats{width:220px;background:#fff;border-right:1px solid #dee0e3;overflow:auto}
#chats div{padding:10px 12px;cursor:pointer;border-bottom:1px solid #f0f1f2}#chats div.on{background:#e1eaff}
#pane{flex:1;display:flex;flex-direction:column;min-width:0}#log{flex:1;overflow:auto;padding:12px}
.msg{margin:8px 0;max-width:640px}.msg .who{font-size:12px;color:#8f959e}.bubble{background:#fff;border-radius:8px;padding:8px 10px;white-space:pre-wrap;word-break:break-word}
.mine{margin-left:auto}.mine .bubble{background:#cce0ff}
.card{background:#fff;border-radius:8px;overflow:hidden;border:1px solid #dee0e3}.card .hd{padding:8px 12px;color:#fff;font-weight:600}
.card .bd{padding:8px 12px}.card .md{margin:6px 0;white-space:pre-wrap}.card blockquote{margin:4px 0;padding-left:8px;border-left:3px solid #dee0e3;color:#646a73}
.card input{width:100%;margin:4px 0;padding:6px;border:1px solid #dee0e3;border-radius:4px;font-size:14px}
.card button{margin:4px 6px 4px 0;padding:6px 12px;border-radius:4px;border:1px solid #dee0e3;background:#fff;cursor:pointer;font-size:14px}
.card button.primary{background:#3370ff;color:#fff;border-color:#3370ff}.card button.danger{color:#f54a45;border-color:#f54a45}
.blue{background:#3370ff}.wathet{background:#4e83fd}.green{background:#34c724}.orange{background:#ff8800}.red{background:#f54a45}.grey{background:#8f959e}.yellow{background:#dc9b04}
form.send{display:flex;gap:8px;padding:8px;background:#fff;border-top:1px solid #dee0e3;align-items:center}form.send input[type=text]{flex:1;padding:8px;font-size:15px;border:1px solid #dee0e3;border-radius:4px}
#toast{position:fixed;top:60px;left:50%;transform:translateX(-50%);background:#1f2329;color:#fff;padding:8px 14px;border-radius:6px;display:none;z-index:9}
@media (max-width:640px){main{flex-direction:column}#chats{width:auto;max-height:120px;display:flex;overflow-x:auto}#chats div{white-space:nowrap;border-right:1px solid #f0f1f2}}
</style></head><body>
<header><h1>协同 · 沙箱</h1><label>当前用户 <select id="user"></select></label><a id="login" href="#" style="__LOGIN_STYLE__">登录小程序</a><span style="font-size:12px;opacity:.85">本页模拟飞书客户端，仅供离线体验和测试</span></header>
<main><nav id="chats"></nav><section id="pane"><div id="log"></div>
<form class="send" id="send"><input type="text" id="text" placeholder="输入消息，例如 /发起 @市监局 核查某公司营业执照 截止:3个工作日" autocomplete="off">
<label id="atwrap"><input type="checkbox" id="at" checked>@__BOT_NAME__</label><button>发送</button>
<label class="attach" title="发送文件（点卡片标题可作为对该卡片的回复）">📎<input type="file" id="file" hidden></label><span id="replying"></span></form></section></main>
<div id="toast"></div>
<script>
const CFG=__CONFIG__;const $=s=>document.querySelector(s);const B=location.pathname.replace(/[/]+$/,"")+"/";let me="",chat="",chats=[],lastSig="";
const esc=s=>String(s??"").replace(/[&<>"']/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));
const mdown=s=>esc(s).replace(/\\*\\*(.+?)\\*\\*/g,"<b>$1</b>").split("\\n").map(l=>l.startsWith("&gt; ")?"<blockquote>"+l.slice(5)+"</blockquote>":l).join("\\n");
function toast(t){const e=$("#toast");e.textContent=t;e.style.display="block";setTimeout(()=>e.style.display="none",2500)}
async function j(u,b){const r=await fetch(B+u,b?{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify(b)}:{});return r.json()}
async function loadUsers(){const us=await j("api/users");$("#user").innerHTML=us.map(u=>'<option value="'+esc(u.openId)+'">'+esc(u.name)+'</option>').join("");me=new URLSearchParams(location.search).get("user")||us[0]?.openId||"";$("#user").value=me;await loadChats()}
async function loadChats(){chats=await j("api/chats?openId="+encodeURIComponent(me));if(!chats.find(c=>c.chatId===chat))chat=chats[0]?.chatId||"";
$("#chats").innerHTML=chats.map(c=>'<div data-id="'+esc(c.chatId)+'" class="'+(c.chatId===chat?"on":"")+'">'+esc(c.type==="p2p"?"与"+CFG.botName+"私聊":c.name)+'</div>').join("");
$("#atwrap").style.display=chats.find(c=>c.chatId===chat)?.type==="group"?"":"none";lastSig="";await loadMessages()}
function renderEl(el,mid){if(!el)return"";switch(el.tag){case"markdown":return'<div class="md">'+mdown(el.content)+"</div>";
case"input":return'<input data-name="'+esc(el.name)+'" placeholder="'+esc(el.placeholder?.content||"")+'">';
case"button":{const v=el.behaviors?.find(b=>b.type==="callback")?.value||{};return'<button type="button" class="'+esc(el.type||"")+'" data-mid="'+esc(mid)+'" data-name="'+esc(el.name||"")+'" data-value="'+esc(JSON.stringify(v))+'">'+esc(el.text?.content||"")+"</button>"}
case"form":return'<div class="form">'+(el.elements||[]).map(e=>renderEl(e,mid)).join("")+"</div>";default:return""}}
function renderCard(card,mid){const h=card.header||{};return'<div class="card"><div class="hd '+esc(h.template||"blue")+'" data-mid="'+esc(mid)+'">'+esc(h.title?.content||"")+'</div><div class="bd">'+((card.body?.elements)||[]).map(e=>renderEl(e,mid)).join("")+"</div></div>"}
async function loadMessages(){if(!chat)return;const ms=await j("api/messages?chatId="+encodeURIComponent(chat));const sig=ms.map(m=>m.message_id+m.update_time).join();if(sig===lastSig)return;lastSig=sig;
$("#log").innerHTML=ms.map(m=>{let c={};try{c=JSON.parse(m.content)}catch{};const mine=m.sender.id===me;
const inner=m.msg_type==="interactive"?renderCard(c,m.message_id):m.msg_type==="file"?'<div class="bubble">📎 '+esc(c.file_name||"文件")+"</div>":m.msg_type==="image"?'<div class="bubble">[图片]</div>':'<div class="bubble">'+esc(c.text||"")+"</div>";
return'<div class="msg'+(mine?" mine":"")+'"><div class="who">'+esc(m.senderName)+(m.updated?" · 已更新":"")+"</div>"+inner+"</div>"}).join("");$("#log").scrollTop=1e9}
$("#user").onchange=e=>{me=e.target.value;history.replaceState(null,"","?user="+encodeURIComponent(me));loadChats()};
$("#chats").onclick=e=>{const id=e.target.dataset?.id;if(id){chat=id;$("#chats").querySelectorAll("div").forEach(d=>d.classList.toggle("on",d.dataset.id===id));loadChats()}};
$("#send").onsubmit=async e=>{e.preventDefault();const t=$("#text").value.trim();if(!t)return;$("#text").value="";const r=await j("api/send",{openId:me,chatId:chat,text:t,mentionBot:$("#at").checked});if(!r.ok)toast(r.error||"发送失败");setTimeout(loadMessages,300)};
let replyTo="";$("#log").addEventListener("click",e=>{const hd=e.target.closest(".card .hd");if(!hd)return;const mid=hd.closest(".card").querySelector("[data-mid]")?.dataset.mid||hd.dataset.mid||"";replyTo=mid;$("#replying").textContent=mid?"回复："+hd.textContent:""});
$("#file").onchange=async e=>{const f=e.target.files[0];if(!f)return;const q="openId="+encodeURIComponent(me)+"&chatId="+encodeURIComponent(chat)+"&name="+encodeURIComponent(f.name)+(replyTo?"&parentId="+encodeURIComponent(replyTo):"");
const r=await(await fetch("api/send-file?"+q,{method:"POST",body:f})).json();if(!r.ok)toast(r.error||"发送失败");e.target.value="";replyTo="";$("#replying").textContent="";setTimeout(loadMessages,300)};
$("#log").onclick=async e=>{const b=e.target.closest("button[data-mid]");if(!b)return;const form=b.closest(".form");const fv={};if(form)form.querySelectorAll("input[data-name]").forEach(i=>{if(i.value)fv[i.dataset.name]=i.value});
const r=await j("api/click",{openId:me,messageId:b.dataset.mid,value:JSON.parse(b.dataset.value),name:b.dataset.name||undefined,formValue:fv});toast(r.toast?.content||r.error||(r.ok?"已处理":"处理失败"));lastSig="";loadMessages()};
$("#login").onclick=async e=>{e.preventDefault();const r=await j("api/login-code",{openId:me});if(!r.code)return toast(r.error?.message||"登录失败");location.href=CFG.login+"?code="+encodeURIComponent(r.code)};
loadUsers();setInterval(loadMessages,1000);
</script></body></html>`;
