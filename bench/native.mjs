// Native peers: the Go and Rust producers' own benchmarks on the same fixture files.
export function runNative() {
  console.error("native benchmarks: not wired yet");
  return [];
}
