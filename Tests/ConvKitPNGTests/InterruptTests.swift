import Foundation
import Testing

@testable import ConvKitPNG

/// The signal handlers of `PNGImage.removeTemporaryFilesOnSignals()`, run in child
/// processes (exit tests) because they end the process. The test runner starts those
/// with SIGINT and SIGTERM blocked, so the tests also check that the handlers unblock them.
@Suite("Interrupted writes")
struct InterruptTests {
  /// Returns a file path that the test and its exit-test child agree on, made from the
  /// test's process ID, which is the child's parent process ID.
  static func sharedPath(testProcess: pid_t, name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "convkit-\(name)-\(testProcess).tmp"
    ).path
  }

  @Test("SIGINT removes a recorded file")
  func interruptRemovesRecordedFile() async throws {
    let path = Self.sharedPath(testProcess: getpid(), name: "interrupt")
    try Data("partial".utf8).write(to: URL(fileURLWithPath: path))
    defer { unlink(path) }

    await #expect(processExitsWith: .exitCode(130)) {
      PNGImage.removeTemporaryFilesOnSignals()
      _ = TemporaryFiles.record(InterruptTests.sharedPath(testProcess: getppid(), name: "interrupt"))
      raise(SIGINT)
    }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test("SIGTERM keeps a forgotten file")
  func terminateKeepsForgottenFile() async throws {
    let path = Self.sharedPath(testProcess: getpid(), name: "terminate")
    try Data("renamed".utf8).write(to: URL(fileURLWithPath: path))
    defer { unlink(path) }

    await #expect(processExitsWith: .exitCode(143)) {
      PNGImage.removeTemporaryFilesOnSignals()
      let slot = TemporaryFiles.record(InterruptTests.sharedPath(testProcess: getppid(), name: "terminate"))
      TemporaryFiles.forget(slot)
      raise(SIGTERM)
    }
    #expect(FileManager.default.fileExists(atPath: path))
  }

  @Test("too long path not recorded")
  func longPathNotRecorded() {
    #expect(TemporaryFiles.record(String(repeating: "a", count: 5000)) == -1)
  }
}
