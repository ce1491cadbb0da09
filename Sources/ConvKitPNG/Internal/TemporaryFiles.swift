import CPNGBridge

/// The record of temporary output files that exist, kept in C so that the
/// signal handler of `PNGImage.removeTemporaryFilesOnSignals()` can read it.
enum TemporaryFiles {
  /// Records `path` and returns its slot, or -1 when it cannot be recorded (a
  /// path over 4095 bytes, or 16 writes at once). The write still works then,
  /// but an interrupt may leave its temporary file behind.
  static func record(_ path: String) -> Int32 {
    ckpng_temporary_file_record(path)
  }

  /// Forgets the path in `slot`, and does nothing for -1.
  static func forget(_ slot: Int32) {
    ckpng_temporary_file_forget(slot)
  }

  /// Installs the SIGINT, SIGTERM and SIGHUP handlers that remove every
  /// recorded file and exit with status 128 + signal number.
  static func removeOnSignals() {
    ckpng_remove_temporary_files_on_signals()
  }
}
