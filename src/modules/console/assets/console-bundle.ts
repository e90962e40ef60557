/** The console's whole stylesheet, served by Sinergi itself (no CDN, no web font: the system's sans-serif). */
export const CONSOLE_CSS = String.raw`
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1b1f24;background:#f4f6f8}
a{color:#0b4fb3}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
header.top{background:#0d3b66;color:#fff}
header.top .bar{max-width:72rem;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center}
header.top a{color:#fff}
.brand{font-weight:700;font-size:1.15rem;text-decoration:none;margin-right:auto}
.brand small{font-weight:400;opacity:.9;font-size:.8rem;display:block}
nav.main ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav.main a[aria-current="page"]{font-weight:700;text-decoration-thickness:3px}
.who{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;font-size:.9rem}
.who form{margin:0}
.who button{background:transparent;color:#fff;border:1px solid #fff;border-radius:4px;padding:.2rem .6rem;font:inherit;cursor:pointer}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.75rem 0 .75rem}
h3{font-size:1.05rem;margin:1rem 0 .5rem}
p{margin:.5rem 0}
.crumbs{font-size:.9rem;margin:.25rem 0 0}
.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem}
.crumbs li+li::before{content:"›";margin:0 .35rem;color:#59636e}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:0 0 1rem}
.card>h2:first-child,.card>h3:first-child{margin-top:0}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr))}
.figure{font-size:2.4rem;font-weight:700;line-height:1.1;margin:.25rem 0}
.figure small{font-size:1rem;font-weight:400}
.muted{color:#59636e}
.meter{display:block;width:100%;height:.8rem;border-radius:.4rem;margin:.5rem 0}
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.35rem 1rem;margin:0}
dl.facts dt{color:#59636e}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;margin:.5rem 0;list-style:none}
.counts li{background:#f4f6f8;border-radius:6px;padding:.35rem .6rem}
.badge{display:inline-block;border-radius:999px;padding:.05rem .55rem;font-size:.85rem;font-weight:600;border:1px solid transparent;white-space:nowrap}
.b-ok{background:#dafbe1;color:#0f5323;border-color:#8fd5a0}
.b-bad{background:#ffebe9;color:#82071e;border-color:#f5a3a3}
.b-wait{background:#fff8c5;color:#6b4800;border-color:#e5cf6e}
.b-info{background:#ddf4ff;color:#0a3069;border-color:#9ccff5}
.b-late{background:#82071e;color:#fff}
table{border-collapse:collapse;width:100%;background:#fff}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f4f6f8;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}
.table-wrap{border:1px solid #d0d7de;border-radius:8px;overflow:hidden;margin:0 0 1rem}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
.field{display:flex;flex-direction:column;min-width:9rem;flex:1 1 9rem}
input[type=text],input[type=date],input[type=email],input[type=tel],input[type=url],select,textarea{font:inherit;padding:.45rem .5rem;border:1px solid #6e7781;border-radius:6px;background:#fff;color:#1b1f24;width:100%;max-width:100%}
textarea{min-height:6rem}
.form-grid{display:grid;gap:.75rem 1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,15rem),1fr));margin:0 0 1rem}
.hint{font-size:.875rem;color:#59636e;margin:.2rem 0 0}
.field-error{font-size:.875rem;color:#a40e26;font-weight:600;margin:.2rem 0 0}
input[aria-invalid=true]{border-color:#cf222e;border-width:2px}
ul.evidence{list-style:none;margin:0 0 1rem;padding:0}
.link-out{overflow-wrap:anywhere;word-break:break-all}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:6px;border:1px solid #0d3b66;background:#0d3b66;color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#0d3b66}
button.danger{background:#a40e26;border-color:#a40e26}
.actions{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr))}
.notice{border-left:4px solid #0969da;background:#ddf4ff;padding:.75rem 1rem;border-radius:4px;margin:0 0 1rem}
.notice.error{border-color:#cf222e;background:#ffebe9}
.notice.ok{border-color:#1a7f37;background:#dafbe1}
ol.timeline{list-style:none;margin:0;padding:0;border-left:3px solid #d0d7de}
ol.timeline>li{position:relative;margin:0 0 1rem;padding-left:1rem}
ol.timeline>li::before{content:"";position:absolute;left:-.5rem;top:.4rem;width:.75rem;height:.75rem;border-radius:50%;background:#0d3b66}
ol.ladder{margin:0;padding-left:1.25rem}
ol.ladder li{margin:.35rem 0}
.pager{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0}
.chart svg{width:100%;height:auto;display:block}
.accounts{list-style:none;padding:0;margin:0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr))}
.accounts button{width:100%;text-align:left;background:#fff;color:#1b1f24;border:1px solid #6e7781}
.accounts button strong{display:block;color:#0d3b66}
footer{max-width:72rem;margin:2rem auto;padding:0 1rem;color:#59636e;font-size:.85rem}
.nowrap{white-space:nowrap}
.break{overflow-wrap:anywhere;word-break:break-word}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#eef1f4;border-radius:4px;padding:0 .25rem}
pre{white-space:pre-wrap;background:#eef1f4;border-radius:6px;padding:.75rem;font-size:.85rem;max-width:100%;overflow-x:auto}
.actions-inline{display:flex;flex-wrap:wrap;gap:.5rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}
.tabs ul{list-style:none;margin:0 0 1rem;padding:0 0 .25rem;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;border-bottom:1px solid #d0d7de}
.tabs a[aria-current="page"]{font-weight:700;text-decoration-thickness:3px}
.check>span,.checks li{display:flex;gap:.45rem;align-items:flex-start}
.check label,.checks label{display:inline;font-weight:400;margin:0}
.check input,.checks input{margin-top:.3rem;flex:none}
.checks{list-style:none;margin:.25rem 0 .75rem;padding:0;display:grid;gap:.35rem 1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,14rem),1fr))}
fieldset.level{min-width:0}
fieldset.level legend{font-weight:700;padding:0 .25rem}
.secret{display:block;padding:.5rem;font-size:1rem}
figure.map{margin:0 0 1rem}
.map svg.districts{width:100%;height:auto;display:block;max-height:34rem}
.map a:hover path,.map a:focus-visible path{stroke:#1b1f24;stroke-width:3}
.map a:focus{outline:none}
.legend{list-style:none;margin:.5rem 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem}
.legend li{display:flex;align-items:center;gap:.35rem}
.legend svg{width:.9rem;height:.9rem;flex:none}
@media (max-width:40rem){
  h1{font-size:1.35rem}
  .figure{font-size:2rem}
  table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
  table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack th[scope=row]{display:block;width:100%}
  table.stack tr{border-bottom:2px solid #d0d7de;padding:.25rem 0}
  table.stack td,table.stack th[scope=row]{border:0;padding:.2rem .5rem;display:flex;justify-content:space-between;gap:1rem;text-align:right}
  table.stack th[scope=row]{background:#fff;text-align:left;font-weight:700}
  table.stack td::before{content:attr(data-label);font-weight:600;color:#59636e;text-align:left}
  table.stack td.num{white-space:normal}
  dl.facts{grid-template-columns:1fr}
  dl.facts dt{margin-top:.35rem}
}
@media print{header.top,.who,form,footer{display:none}body{background:#fff}}
`;

/**
 * Progressive enhancement only: every page works without it. Filter lists submit on change, and the waiver form
 * asks once more before it ends a case.
 */
export const CONSOLE_JS = String.raw`
(function(){
  document.querySelectorAll('form.filters select').forEach(function(s){
    s.addEventListener('change',function(){ if(s.form) s.form.requestSubmit ? s.form.requestSubmit() : s.form.submit(); });
  });
  document.querySelectorAll('form[data-confirm]').forEach(function(f){
    f.addEventListener('submit',function(e){ if(!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault(); });
  });
})();
`;
