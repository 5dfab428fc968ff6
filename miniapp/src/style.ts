// Mobile-first styles for the mini-app, in the chat client's look.
export const css = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;background:#f5f6f7;color:#1f2329}
header{display:flex;justify-content:space-between;align-items:center;padding:10px 14px;background:#3370ff;color:#fff}
header .who{font-size:13px;opacity:.9}
nav{display:flex;overflow-x:auto;background:#fff;border-bottom:1px solid #dee0e3}
nav a{flex:none;padding:10px 14px;color:#646a73;text-decoration:none}nav a.on{color:#3370ff;border-bottom:2px solid #3370ff;font-weight:600}
main{padding:10px 12px;max-width:900px;margin:0 auto}
h1{font-size:18px;margin:6px 0}h2{font-size:15px;margin:14px 0 6px;display:flex;justify-content:space-between;align-items:center}
.list{list-style:none;margin:0;padding:0}.item{background:#fff;border-radius:8px;padding:10px 12px;margin:8px 0}
.item a{color:inherit;text-decoration:none;display:block}.title{font-weight:600}.meta{font-size:13px;color:#646a73}
.actions{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px;align-items:center}
button{font:inherit;padding:6px 12px;border-radius:6px;border:1px solid #dee0e3;background:#fff;cursor:pointer}
button.primary{background:#3370ff;border-color:#3370ff;color:#fff}button.danger{color:#f54a45;border-color:#f54a45}button:disabled{opacity:.5}
button.more{width:100%;margin:8px 0}
.due-ok{color:#2ea121}.due-soon{color:#ff8800;font-weight:600}.due-over{color:#f54a45;font-weight:600}.due-closed{color:#8f959e}
.notice{background:#e1eaff;padding:8px 10px;border-radius:6px}.error{color:#f54a45}.hint{color:#8f959e;text-align:center;margin:24px 0}
textarea{width:100%;min-height:64px;font:inherit;padding:8px;border:1px solid #dee0e3;border-radius:6px;margin-top:10px}
.timeline{padding-left:18px;font-size:14px}.timeline .when{color:#8f959e}
.body{background:#fff;padding:10px 12px;border-radius:8px;white-space:pre-wrap}.result{margin-top:6px}
.filter{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin:6px 0}.filter input,.filter select{font:inherit;padding:5px;border:1px solid #dee0e3;border-radius:6px}.filter input{flex:1;min-width:120px}
.board{overflow-x:auto}.board table{border-collapse:collapse;background:#fff;font-size:13px}
.board th,.board td{border:1px solid #dee0e3;padding:6px;text-align:center;white-space:nowrap}
.cell{padding:4px 8px}.cell.late{color:#f54a45;border-color:#f54a45}
.signin{max-width:480px;margin:40px auto;padding:0 16px}.signin li{margin:6px 0}
`;
