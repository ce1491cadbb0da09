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
/// resident memory (`ru_maxrss` from `wait4`) and its exit status.
func runProcess(_ arguments: [String]) -> ProcessRun? {
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
  var usage = rusage()
  guard wait4(pid, &status, 0, &usage) == pid else {
    return nil
  }
  let elapsed = clock.now - start
  let milliseconds =
    Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
  // Linux reports ru_maxrss in kilobytes, macOS in bytes.
  #if os(Linux)
    let megabytes = Double(usage.ru_maxrss) / 1024
  #else
    let megabytes = Double(usage.ru_maxrss) / (1024 * 1024)
  #endif
  let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  return ProcessRun(milliseconds: milliseconds, peakResidentMegabytes: megabytes, status: exitStatus)
}
