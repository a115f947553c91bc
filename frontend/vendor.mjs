// Copy the built front-end libraries from node_modules into server/static/vendor,
// byte for byte, with their licenses and a MANIFEST.json (version, license, SHA-256 per file)
// that the test suite checks against package-lock.json. Run by `make assets` after `npm ci`.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const target = join(here, "..", "server", "static", "vendor");

// What the pages load, per package; nothing else is copied.
const VENDORED = {
  "@zazuko/yasgui": { dir: "yasgui", files: ["build/yasgui.min.js", "build/yasgui.min.css"] },
  "vis-timeline": {
    dir: "vis-timeline",
    files: ["standalone/umd/vis-timeline-graph2d.min.js", "styles/vis-timeline-graph2d.min.css"],
  },
  cytoscape: { dir: "cytoscape", files: ["dist/cytoscape.min.js"] },
};

// @zazuko/yasgui ships no license file; its package.json says MIT. This is the MIT text of the
// project it is forked from (TriplyDB/Yasgui, LICENSE.txt).
const YASGUI_LICENSE = `The MIT License (MIT)

Copyright © 2018 Ruben Taelman

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
`;

function sha256(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function packageJson(dir) {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
}

function licenseText(dir) {
  const names = readdirSync(dir).filter((n) => /^(licen[cs]e|copying)/i.test(n)).sort();
  return names.map((n) => readFileSync(join(dir, n), "utf8").trim()).join("\n\n");
}

function installedPackages() {
  const found = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".")) continue;
    const scoped = name.startsWith("@") ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name];
    for (const full of scoped) {
      if (existsSync(join(modules, full, "package.json"))) found.push(full);
    }
  }
  return found.sort();
}

function thirdPartyNotices() {
  const parts = ["Licenses of every npm package installed with the vendored libraries (some are bundled inside them).\n"];
  for (const name of installedPackages()) {
    const dir = join(modules, name);
    const meta = packageJson(dir);
    const text = name === "@zazuko/yasgui" ? YASGUI_LICENSE.trim() : licenseText(dir);
    parts.push(`=== ${name}@${meta.version} (${meta.license ?? "no license field"}) ===\n\n${text || "(no license file in the package)"}\n`);
  }
  return parts.join("\n");
}

function vendor() {
  rmSync(target, { recursive: true, force: true });
  const manifest = {};
  for (const [name, { dir, files }] of Object.entries(VENDORED)) {
    const source = join(modules, name);
    const meta = packageJson(source);
    const out = join(target, dir);
    mkdirSync(out, { recursive: true });
    const hashes = {};
    for (const file of files) {
      const base = file.split("/").pop();
      copyFileSync(join(source, file), join(out, base));
      hashes[base] = sha256(join(out, base));
    }
    const license = name === "@zazuko/yasgui" ? YASGUI_LICENSE : licenseText(source);
    writeFileSync(join(out, "LICENSE"), license.endsWith("\n") ? license : `${license}\n`);
    manifest[name] = { version: meta.version, license: meta.license, dir, files: hashes };
  }
  writeFileSync(join(target, "MANIFEST.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(target, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices());
  console.log(`vendored ${Object.keys(manifest).length} packages into ${target}`);
}

vendor();
