// Build: bundles src/ into dist/ (index.html, index.js, index.css, manifest.json, po.LANG.js).
//   node build.js           production: minified, with .gz copies of the bundle
//   node build.js --dev     not minified, with source maps
//   node build.js --watch   development, rebuilding on every change
import * as esbuild from "esbuild";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const watch = process.argv.includes("--watch");
const production = !watch && !process.argv.includes("--dev");
const outdir = "dist";

// gettext catalogs -> cockpit.locale({...}) modules, the format Cockpit's po.js loader serves
export function poParse(text) {
    const entries = [];
    let cur = null, field = null;
    const unquote = s => JSON.parse(s);
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) {
            if (cur && field) { entries.push(cur); cur = null; field = null }
            continue;
        }
        const m = line.match(/^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$/);
        if (m) {
            if (m[1] === "msgid" || m[1] === "msgctxt") {
                if (cur && cur.msgstr.length) entries.push(cur);
                if (!cur || cur.msgstr.length) cur = { msgctxt: null, msgid: "", plural: null, msgstr: [] };
            }
            field = m[1].startsWith("msgstr") ? ["msgstr", m[2] ? Number(m[2]) : 0] : [m[1]];
            const value = unquote(m[3]);
            if (field[0] === "msgstr") cur.msgstr[field[1]] = value;
            else if (field[0] === "msgid_plural") cur.plural = value;
            else cur[field[0]] = value;
        } else if (line.startsWith('"') && cur && field) {
            const value = unquote(line);
            if (field[0] === "msgstr") cur.msgstr[field[1]] += value;
            else if (field[0] === "msgid_plural") cur.plural += value;
            else cur[field[0]] += value;
        }
    }
    if (cur) entries.push(cur);
    return entries;
}

function poToModule(file) {
    const lang = path.basename(file, ".po");
    const entries = poParse(fs.readFileSync(file, "utf8"));
    const header = entries.find(e => e.msgid === "");
    const pluralForms = (header?.msgstr[0] ?? "").match(/Plural-Forms:\s*nplurals=\d+;\s*plural=([^;\n]+)/)?.[1] ?? "n != 1";
    const dict = { "": { "plural-forms": `(n) => ${pluralForms}`, language: lang } };
    for (const e of entries) {
        if (e.msgid === "" || e.msgstr.every(s => !s)) continue;
        const key = e.msgctxt ? `${e.msgctxt}\u0004${e.msgid}` : e.msgid;
        dict[key] = [e.plural, ...e.msgstr];
    }
    const json = JSON.stringify(dict).replace(`"(n) => ${pluralForms.replace(/"/g, '\\"')}"`, `(n) => ${pluralForms}`);
    return [lang, `cockpit.locale(${json});\n`];
}

function writeStatic() {
    fs.mkdirSync(outdir, { recursive: true });
    fs.copyFileSync("src/index.html", path.join(outdir, "index.html"));
    fs.copyFileSync("manifest.json", path.join(outdir, "manifest.json"));
    for (const f of fs.readdirSync("po").filter(f => f.endsWith(".po"))) {
        const [lang, js] = poToModule(path.join("po", f));
        fs.writeFileSync(path.join(outdir, `po.${lang}.js`), js);
    }
}

const options = {
    entryPoints: { index: "src/index.tsx" },
    bundle: true,
    outdir,
    target: ["es2020"],
    format: "iife",
    minify: production,
    sourcemap: production ? false : "linked",
    // the licenses of the bundled modules (React, PatternFly) beside the bundle, for the packages' license files
    legalComments: production ? "external" : "none",
    define: {
        "process.env.NODE_ENV": JSON.stringify(production ? "production" : "development"),
        // the version a downloaded report names
        __NP_VERSION__: JSON.stringify(JSON.parse(fs.readFileSync("package.json", "utf8")).version),
    },
    loader: { ".sh": "text", ".woff2": "file", ".woff": "file", ".ttf": "file", ".otf": "file", ".svg": "file", ".png": "file" },
    assetNames: "assets/[name]",
    logLevel: "info",
    plugins: [{
        name: "static-and-gzip",
        setup(build) {
            build.onEnd(result => {
                if (result.errors.length) return;
                writeStatic();
                if (production) {
                    // Cockpit serves NAME.gz for NAME, compressed on the wire: `make install` ships only these
                    for (const f of ["index.js", "index.css", ...fs.readdirSync(outdir).filter(f => /^po\..*\.js$/.test(f))]) {
                        const p = path.join(outdir, f);
                        fs.writeFileSync(p + ".gz", zlib.gzipSync(fs.readFileSync(p), { level: 9 }));
                    }
                }
            });
        },
    }],
};

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
    fs.rmSync(outdir, { recursive: true, force: true });
    if (watch) {
        const ctx = await esbuild.context(options);
        await ctx.watch();
    } else {
        await esbuild.build(options);
    }
}
