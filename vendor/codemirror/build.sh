#!/bin/sh
# Rebuilds templates/serve/codemirror.js (one minified IIFE that defines the
# global `CM`) and templates/serve/codemirror.LICENSE.txt (the licence of
# every package bundled into it) from the exact versions in
# package-lock.json. Needs Node and the network once; the built files are
# committed, so neither CI nor the server ever needs Node.
set -eu
cd "$(dirname "$0")"
out=../../templates/serve
npm ci --no-audit --no-fund
npx esbuild src/index.js --bundle --minify --format=iife --global-name=CM \
  --target=es2020,chrome87,firefox90 --legal-comments=none --charset=utf8 \
  --metafile=node_modules/.meta.json --outfile="$out/codemirror.js"
# The licences, one per bundled package, in the order of their names.
node -e '
const fs = require("fs"), path = require("path");
const meta = JSON.parse(fs.readFileSync("node_modules/.meta.json", "utf8"));
const pkgs = new Set();
for (const out of Object.values(meta.outputs))
  for (const input of Object.keys(out.inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) pkgs.add(m[1]);
  }
let text = "templates/serve/codemirror.js bundles these packages (built by vendor/codemirror/build.sh).\n";
for (const name of [...pkgs].sort()) {
  const dir = path.join("node_modules", name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const file = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  if (!file) throw new Error(name + " has no licence file");
  text += `\n==== ${name} ${pkg.version} (${pkg.license}) ====\n\n` + fs.readFileSync(path.join(dir, file), "utf8").trim() + "\n";
}
fs.writeFileSync(process.argv[1], text);
' "$out/codemirror.LICENSE.txt"
ls -l "$out/codemirror.js" "$out/codemirror.LICENSE.txt"
