// Mobile-first styles for the mini-app, in the chat client's look (readable at 390px wide).
export const css = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;background:#f5f6f7;color:#1f2329}
header{display:flex;gap:10px;align-items:center;padding:10px 14px;background:#3370ff;color:#fff}
header .who{flex:1;min-width:0;font-size:13px;opacity:.9;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;text-align:right}
header .new{flex:none;color:#3370ff;background:#fff;border-radius:14px;padding:2px 10px;font-size:14px;text-decoration:none;font-weight:600}
header .new.on{background:#e1eaff}
nav{display:flex;overflow-x:auto;background:#fff;border-bottom:1px solid #dee0e3}
nav a{flex:1 0 auto;text-align:center;padding:10px 11px;color:#646a73;text-decoration:none}nav a.on{color:#3370ff;border-bottom:2px solid #3370ff;font-weight:600}
main{padding:10px 12px 40px;max-width:900px;margin:0 auto}
h1{font-size:18px;margin:6px 0}h2{font-size:15px;margin:14px 0 6px;display:flex;justify-content:space-between;align-items:center}
a.back{display:inline-block;color:#3370ff;text-decoration:none;font-size:14px;margin:2px 0}
.list{list-style:none;margin:0;padding:0}.item{background:#fff;border-radius:8px;padding:10px 12px;margin:8px 0}
.item a{color:inherit;text-decoration:none;display:block}.title{font-weight:600}.meta{font-size:13px;color:#646a73}
.tag{display:inline-block;font-size:12px;font-weight:600;line-height:18px;padding:0 6px;border-radius:4px;margin-right:6px;vertical-align:1px;background:#eff0f1;color:#646a73}
.tag.urgent{background:#fff3e8;color:#ff8800}.tag.critical{background:#fde2e2;color:#f54a45}.tag.lead{background:#e1eaff;color:#3370ff}
.targets .tag{margin:0 0 0 6px}
.actions{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px;align-items:center}
button{font:inherit;min-height:36px;padding:6px 14px;border-radius:6px;border:1px solid #dee0e3;background:#fff;color:#1f2329;cursor:pointer}
button.primary{background:#3370ff;border-color:#3370ff;color:#fff}button.danger{color:#f54a45;border-color:#f54a45}button:disabled{opacity:.5}
button.on{box-shadow:inset 0 0 0 1px currentColor}button.primary.on{background:#245bdb}
button.more{width:100%;margin:8px 0}
a.link,button.link{color:#3370ff;background:none;border:0;padding:0 2px;min-height:0;font-size:14px;text-decoration:none}
.due-ok{color:#2ea121}.due-soon{color:#ff8800;font-weight:600}.due-over{color:#f54a45;font-weight:600}.due-closed{color:#8f959e}
.notice{background:#e1eaff;padding:8px 10px;border-radius:6px;margin:8px 0}.notice.refused{background:#fde2e2;color:#d83931}
.error{color:#f54a45}.hint{color:#8f959e;text-align:center;margin:24px 0}
.flag{color:#ff8800;font-size:13px;margin:4px 0}
textarea,select,input[type=search],input[type=text],.filter input{width:100%;font:inherit;padding:7px 8px;border:1px solid #dee0e3;border-radius:6px;background:#fff;color:#1f2329}
textarea{min-height:64px;resize:vertical}
.panel{background:#f7f8fa;border:1px solid #e4e6e9;border-radius:8px;padding:10px;margin-top:8px}
.field{display:block;margin:0 0 8px}.field .label,.field>.label{display:block;font-size:13px;color:#646a73;margin-bottom:4px}.field .label small{color:#8f959e}
.choice label{display:block;padding:4px 0}
.picked{display:flex;justify-content:space-between;align-items:center;gap:8px;background:#fff;border:1px solid #dee0e3;border-radius:6px;padding:4px 4px 4px 10px}
.options{list-style:none;margin:4px 0 0;padding:0;max-height:220px;overflow-y:auto;background:#fff;border:1px solid #dee0e3;border-radius:6px}
.options li+li{border-top:1px solid #f0f1f2}.options .hint{margin:10px;font-size:13px}
button.option{display:block;width:100%;text-align:left;border:0;border-radius:0;padding:9px 10px}button.option small{color:#8f959e;margin-left:4px}
.stars{display:flex;align-items:center;gap:2px;margin:0 0 8px}
button.star{border:0;background:none;font-size:30px;line-height:1;padding:2px 4px;min-height:0;color:#d0d3d6}button.star.lit{color:#ffb400}
.stars .rating{margin-left:8px;font-size:14px;color:#646a73}
.quote{border-left:3px solid #dee0e3;padding-left:8px;color:#646a73;font-size:14px;margin:0 0 8px}
.timeline{padding-left:18px;font-size:14px}.timeline .when{color:#8f959e}
.body{background:#fff;padding:10px 12px;border-radius:8px;white-space:pre-wrap}.result{margin-top:6px}
.filter{display:grid;grid-template-columns:1fr 1fr;gap:6px;margin:6px 0}.filter select,.filter input{padding:6px}
.filter .q{grid-column:1/-1;display:flex;gap:6px}.filter .q input{flex:1;min-width:0}.filter .q button{flex:none}
.raise .grammar{font-size:13px;color:#646a73;margin:2px 0 8px}.raise code{background:#eff0f1;border-radius:3px;padding:0 3px;font-size:12px;word-break:break-all}
.raise .example{margin-top:4px}.check{display:block;font-size:14px;margin:6px 0}
.plan{background:#fff;border-radius:8px;padding:4px 12px 10px;margin-top:12px}
.plan dl{display:grid;grid-template-columns:auto 1fr;gap:6px 12px;margin:0;font-size:14px}.plan dt{color:#646a73}.plan dd{margin:0}
.targets{list-style:none;margin:0;padding:0}
.sheet{overflow:auto;max-height:75vh;background:#fff;border:1px solid #dee0e3;border-radius:8px;-webkit-overflow-scrolling:touch}
.sheet table{border-collapse:separate;border-spacing:0;font-size:13px;min-width:100%}
.sheet th,.sheet td{border-right:1px solid #eff0f1;border-bottom:1px solid #eff0f1;padding:6px 8px;text-align:center;white-space:nowrap;background:#fff}
.sheet thead th{position:sticky;top:0;z-index:2;background:#f7f8fa;font-weight:600}
.sheet tbody th{position:sticky;left:0;z-index:1;background:#f7f8fa;text-align:left;font-weight:normal}
.sheet thead th.corner{left:0;z-index:3}
.sheet td a{color:#3370ff;text-decoration:none;display:block}
.dash-figures tbody th{min-width:128px;max-width:128px;white-space:normal}
.figure-label{display:block;font-weight:600}.definition{display:block;font-size:11px;line-height:1.35;color:#8f959e}
.dash-ranking td.name{text-align:left}.tag.best{background:#e4f7e0;color:#2ea121}.tag.worst{background:#fde2e2;color:#f54a45}
.method,.legend-note,.legend{font-size:12px;color:#646a73;margin:6px 0}
.legend .swatch{display:inline-block;width:12px;height:12px;border:1px solid #dee0e3;border-radius:2px;vertical-align:-1px;margin:0 3px 0 8px;background:#fff}
.swatch.late,.cell.late{background:#fde2e2;border-color:#f54a45}.swatch.soon,.cell.soon{background:#fff3e8;border-color:#ff8800}
a.cell{display:block;padding:4px 8px;border:1px solid #dee0e3;border-radius:4px;color:#1f2329}a.cell.late{color:#d83931}
.dashboard .segments,.period .segments{display:flex;margin:6px 0}.segments button{flex:1;border-radius:0;min-height:34px}
.segments button+button{border-left:0}.segments button:first-child{border-radius:6px 0 0 6px}.segments button:last-child{border-radius:0 6px 6px 0}
.segments button.on{background:#3370ff;border-color:#3370ff;color:#fff}
.period .step{display:flex;align-items:center;justify-content:space-between;gap:8px}.period .step b{flex:1;text-align:center}
.period .range{display:flex;flex-wrap:wrap;gap:6px;align-items:center}.period .range .error{flex-basis:100%;margin:0}.period .range input{flex:1;min-width:0;font:inherit;padding:5px;border:1px solid #dee0e3;border-radius:6px}
.as-of{margin:4px 0}.bulletin-link{margin:4px 0;text-align:right}
.chart{width:100%;background:#fff;border-radius:8px;margin-top:6px}
.dash-trends select{margin:4px 0}.trend-numbers summary{font-size:13px;color:#3370ff;cursor:pointer;margin:4px 0}
a.csv{font-size:13px;font-weight:normal;color:#3370ff;text-decoration:none;border:1px solid #3370ff;border-radius:12px;padding:1px 8px;white-space:nowrap}
a.chip{font-size:13px;color:#646a73;text-decoration:none;border:1px solid #dee0e3;border-radius:12px;padding:2px 10px}a.chip.on{color:#3370ff;border-color:#3370ff}
.meta.facts{font-size:12px}
.signin{max-width:480px;margin:40px auto;padding:0 16px}.signin li{margin:6px 0}
.supervision .item a{color:inherit;text-decoration:none;display:block}.meta.supervised{color:#f54a45}
.supervision-records ul{margin:2px 0 6px;padding-left:18px;font-size:13px;color:#646a73}
.rule-editor .field input,.calendar .field input,.policies .field input,.tester .field input{width:100%;box-sizing:border-box;padding:6px}
.meta.warning,p.warning{color:#de7802}.notice{color:#2ea121}.history .version{margin:6px 0}.history ul{margin:2px 0;padding-left:18px;font-size:13px}
.compare .result dt{color:#646a73;font-size:13px}.compare .result dd{margin:0 0 6px}
.delegation-banner{background:#fff4e5;border-left:4px solid #de7802;padding:6px 10px;margin:0}.delegation-banner p{margin:2px 0;font-size:13px}
`;
