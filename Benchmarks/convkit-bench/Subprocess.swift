#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The outcome of one run of another program.
struct ProcessRun {
  let milliseconds: Double
  let peakResidentMegabytes: Double
  let status: Int32
}

/// Runs `arguments[0]` (a path, or a name looked up in `PATH`) with its arguments, with
/// standard output and error sent to /dev/null, and returns its wall-clock time, its peak
/// resident memory and its exit status.
///
/// The peak comes from GNU time (`/usr/bin/time -f %M`), which runs the command: the
/// `ru_maxrss` that `wait4` returns here would include this process's own memory, because
/// Linux keeps the largest resident size across `exec`. Without /usr/bin/time the peak is 0.
func runProcess(_ command: [String]) -> ProcessRun? {
  let peakFile = "/tmp/convkit-bench-peak-\(getpid()).txt"
  let hasTime = access("/usr/bin/time", X_OK) == 0
  let arguments = hasTime ? ["/usr/bin/time", "-f", "%M", "-o", peakFile] + command : command
  var fileActions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&fileActions)
  defer { posix_spawn_file_actions_destroy(&fileActions) }
  posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)

  var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
  argv.append(nil)
  defer { argv.forEach { free($0) } }

  let clock = ContinuousClock()
  let start = clock.now
  var pid: pid_t = 0
  guard posix_spawnp(&pid, arguments[0], &fileActions, nil, argv, environ) == 0 else {
    return nil
  }
  var status: Int32 = 0
  guard waitpid(pid, &status, 0) == pid else {
    return nil
  }
  let elapsed = clock.now - start
  let milliseconds =
    Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
  var megabytes = 0.0
  if hasTime, let file = fopen(peakFile, "r") {
    var line = [CChar](repeating: 0, count: 64)
    if fgets(&line, Int32(line.count), file) != nil,
      let kilobytes = Int(String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).filter(\.isNumber))
    {
      megabytes = Double(kilobytes) / 1024
    }
    fclose(file)
    unlink(peakFile)
  }
  let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  return ProcessRun(milliseconds: milliseconds, peakResidentMegabytes: megabytes, status: exitStatus)
}
