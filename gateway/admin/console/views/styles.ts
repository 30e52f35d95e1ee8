/**
 * The console's only stylesheet, inline (no build step, no asset route). Mobile first: tables
 * scroll sideways inside their box on a 390-px phone, forms stack; focus is always visible.
 */
export const styles = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f5f6f8}
a{color:#0b57d0}
header{background:#a50e0e;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff}
header form{display:flex;align-items:center;gap:.5rem;margin:0}
header .brand{font-weight:700;margin-right:auto}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
main{padding:1rem;max-width:1200px;margin:0 auto}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem}
.card{background:#fff;border:1px solid #d8dce2;border-radius:6px;padding:1rem;margin:0 0 1rem}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
input,select,textarea,button{font:inherit}
input[type=text],input[type=password],input[type=search],select,textarea{width:100%;padding:.4rem;border:1px solid #9aa3ad;border-radius:4px}
textarea{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
button{padding:.45rem .9rem;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer;margin:.25rem 0}
button.danger{background:#a50e0e}
:focus-visible{outline:3px solid #f6b100;outline-offset:2px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:0 1rem}
.inline{display:inline}
.ok{color:#137333;font-weight:600}.bad{color:#a50e0e;font-weight:600}
.problem{background:#fce8e6;border-left:4px solid #a50e0e;padding:.25rem .5rem;margin:.25rem 0}
pre{white-space:pre-wrap;word-break:break-word;background:#f0f2f5;padding:.5rem;border-radius:4px;font-size:.85rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem;z-index:9}
svg text{font-size:11px;fill:#1b1f24}
svg .axis-title{font-size:12px;font-weight:600}
.warn{color:#b05a00;font-weight:600}
.hint,.period,.aside,footer{color:#4a5059}
.hint{font-size:.85rem;margin:.25rem 0}
figure.chart{margin:0 0 1rem}
figcaption h2{margin:0 0 .25rem}
.period{margin:0 0 .5rem;font-size:.9rem}
.legend{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;margin-right:.35rem;vertical-align:-2px}
.diff .add{background:#e6f4ea}.diff .del{background:#fce8e6}.diff .hunk{color:#4a5059}
.actions{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
footer{max-width:1200px;margin:0 auto;padding:0 1rem 1rem;font-size:.85rem}
`
