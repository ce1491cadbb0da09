import Foundation

/// A fresh folder under the system temporary folder, for tests that write.
struct TemporaryFolder {
  /// The folder's path.
  let path: String

  /// Creates an empty folder with a unique name.
  init() throws {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("ConvKitPNGTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    path = url.path
  }

  /// The path of `name` inside the folder.
  func file(_ name: String) -> String {
    path + "/" + name
  }

  /// Writes a file in the folder and returns its path.
  @discardableResult
  func create(_ name: String, contents: Data, permissions: Int? = nil) throws -> String {
    let path = file(name)
    try contents.write(to: URL(fileURLWithPath: path))
    if let permissions {
      try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
    }
    return path
  }

  /// The names of the entries in the folder, hidden ones included, sorted.
  func contents() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }

  /// Removes the folder and everything in it.
  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}
