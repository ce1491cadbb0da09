import ConvKitPNG
import Foundation

/// The signal dispositions `convkit` needs so that no output is left half-written.
enum Interrupts {
  /// Installs them. Call it once, before any command runs.
  ///
  /// SIGINT, SIGTERM and SIGHUP remove the temporary file of a write in progress and end
  /// the process with status 128 + signal (130 for SIGINT). SIGXFSZ is ignored, so a
  /// write over the file size limit (`ulimit -f`) fails with "file too large" and is
  /// cleaned up like any failed write, instead of killing the process mid-write.
  static func install() {
    PNGImage.removeTemporaryFilesOnSignals()
    signal(SIGXFSZ, SIG_IGN)
  }
}
