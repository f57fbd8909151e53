/**
 * Reads a schemas folder as it is at a git ref (`git ls-tree`, `git show`),
 * for comparing the working tree with `main` the way `buf breaking` does.
 */
import { execFileSync } from "node:child_process";
import { EnvelopeError } from "@envelope/core";
import { keyFromPath } from "@envelope/registry";

function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      maxBuffer: 64 << 20,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new EnvelopeError(
      "invalid_argument",
      `git ${args.join(" ")} failed in ${cwd}: ${stderr || (error as Error).message}`,
      {},
      { cause: error },
    );
  }
}

/**
 * The descriptor files of folder `dir` at git `ref`: path relative to the
 * folder (`type/subtype/version.json`) -> text. Throws `invalid_argument` when
 * `dir` is not in a git work tree or `ref` does not name a commit (with a hint
 * on fetching it).
 */
export function readFolderAtRef(dir: string, ref: string): Map<string, string> {
  if (ref.startsWith("-")) throw new EnvelopeError("invalid_argument", `bad git ref ${ref}`);
  const root = git(dir, ["rev-parse", "--show-toplevel"]).trim();
  const prefix = git(dir, ["rev-parse", "--show-prefix"]).trim();
  try {
    git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch (error) {
    // The usual cause in CI is a shallow or single-branch clone: say how to fix it.
    throw new EnvelopeError(
      "invalid_argument",
      `git ref ${JSON.stringify(ref)} does not name a commit in ${root}; in a shallow or single-branch clone fetch it first (\`git fetch origin ${ref}:${ref}\`), or compare with a schemas folder (\`--against PATH\`)`,
      {},
      { cause: error },
    );
  }
  const listing = git(root, ["ls-tree", "-r", "-z", "--name-only", ref, "--", prefix || "."]);
  const out = new Map<string, string>();
  for (const path of listing.split("\0")) {
    if (path === "" || !path.startsWith(prefix)) continue;
    const rel = path.slice(prefix.length);
    if (keyFromPath(rel) === undefined) continue;
    out.set(rel, git(root, ["show", `${ref}:${path}`]));
  }
  return out;
}
