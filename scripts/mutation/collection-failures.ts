// A test file that fails to load (a mutant that throws while a module is
// imported, or while a test table is built) fails a normal vitest run. The
// Stryker vitest runner only looks at the tests it collected, so such a file
// counts as zero tests, nothing fails, and the mutant would be reported as
// Survived. This reporter turns each file that failed without collecting a
// test into one failed test, so the mutant is Killed and the score stays honest.
import type { RunnerTask } from "vitest";
import { experimental_getRunnerTask, type Reporter, type TestModule } from "vitest/node";

export class CollectionFailures implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    for (const module of modules) {
      if (module.state() !== "failed" || !module.children.allTests().next().done) continue;
      const file = experimental_getRunnerTask(module);
      file.tasks.push({
        type: "test",
        name: "the test file loads",
        mode: "run",
        file,
        suite: file,
        result: { state: "fail", errors: file.result?.errors ?? [] },
      } as unknown as RunnerTask);
    }
  }
}
