import ConvKit
import ConvKitPNG
import Foundation
import Testing

/// Reading files, and writing them atomically.
@Suite("Files")
struct FileTests {
  // MARK: - Reading

  @Test("a missing file is an error naming it")
  func missingFile() throws {
    let path = "/nonexistent-convkit/missing.png"
    let error = try #require(throws: PNGError.self) { try PNGImage(contentsOf: path) }
    #expect(error == .cannotRead(path: path, reason: "no such file or directory"))
    #expect(
      error.description
        == "cannot read '/nonexistent-convkit/missing.png': no such file or directory")
  }

  @Test("a directory, an empty file and a truncated file are errors")
  func unreadableFiles() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let empty = try folder.create("empty.png", contents: Data())
    let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.valid("basn2c08.png")))
    let truncated = try folder.create("truncated.png", contents: whole.prefix(100))

    #expect(throws: PNGError.cannotRead(path: folder.path, reason: "is a directory")) {
      try PNGImage(contentsOf: folder.path)
    }
    #expect(throws: PNGError.cannotRead(path: empty, reason: "file is empty")) {
      try PNGImage(contentsOf: empty)
    }
    #expect(throws: PNGError.cannotRead(path: truncated, reason: "unexpected end of file")) {
      try PNGImage(contentsOf: truncated)
    }
  }

  @Test("decoding from memory names the given name")
  func decodeNamesTheData() throws {
    #expect(throws: PNGError.cannotRead(path: "-", reason: "file is empty")) {
      try PNGImage.decode([], name: "-")
    }
    let text = Array("this is not a PNG file at all".utf8)
    #expect(throws: PNGError.cannotRead(path: "-", reason: "Not a PNG file")) {
      try PNGImage.decode(text, name: "-")
    }
  }

  // MARK: - Writing

  @Test("writes a file that reads back, leaving nothing else")
  func writesFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let image = try PNGImage(contentsOf: Fixtures.valid("basn6a16.png"))

    try image.write(to: folder.file("out.png"))

    #expect(folder.contents() == ["out.png"])
    #expect(try PNGImage(contentsOf: folder.file("out.png")).pixels == image.pixels)
  }

  @Test("replacing a file keeps its permissions")
  func replacesFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = try folder.create("out.png", contents: Data("old".utf8), permissions: 0o640)

    let image = try PNGImage(contentsOf: Fixtures.valid("basn0g08.png"))
    try image.write(to: path)

    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect(attributes[.posixPermissions] as? Int == 0o640)
    #expect(try PNGImage(contentsOf: path).pixels == image.pixels)
    #expect(folder.contents() == ["out.png"])
  }

  @Test("a symbolic link is followed: its target is replaced")
  func followsSymbolicLink() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.create("target.png", contents: Data("old".utf8))
    try FileManager.default.createSymbolicLink(
      atPath: folder.file("link.png"), withDestinationPath: "target.png")

    let image = try PNGImage(contentsOf: Fixtures.valid("basn0g08.png"))
    try image.write(to: folder.file("link.png"))

    let link = try FileManager.default.destinationOfSymbolicLink(atPath: folder.file("link.png"))
    #expect(link == "target.png")
    #expect(try PNGImage(contentsOf: folder.file("target.png")).pixels == image.pixels)
    #expect(folder.contents() == ["link.png", "target.png"])
  }

  @Test("writing into a missing folder fails and leaves nothing")
  func missingFolder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.file("missing/out.png")
    let image = try PNGImage(contentsOf: Fixtures.valid("basn0g08.png"))

    #expect(throws: PNGError.cannotWrite(path: path, reason: "no such file or directory")) {
      try image.write(to: path)
    }
    #expect(folder.contents().isEmpty)
  }

  @Test("writing under a regular file fails and leaves nothing")
  func pathUnderRegularFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.create("plain", contents: Data("x".utf8))
    let path = folder.file("plain/out.png")
    let image = try PNGImage(contentsOf: Fixtures.valid("basn0g08.png"))

    #expect(throws: PNGError.cannotWrite(path: path, reason: "not a directory")) {
      try image.write(to: path)
    }
    #expect(folder.contents() == ["plain"])
  }

  @Test("a directory or a device is never replaced")
  func specialTargets() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let image = try PNGImage(contentsOf: Fixtures.valid("basn0g08.png"))
    let devices = Set((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? [])

    #expect(throws: PNGError.cannotWrite(path: folder.path, reason: "is a directory")) {
      try image.write(to: folder.path)
    }
    #expect(throws: PNGError.cannotWrite(path: "/dev/full", reason: "not a regular file")) {
      try image.write(to: "/dev/full")
    }
    #expect(folder.contents().isEmpty)
    #expect(Set((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []) == devices)
  }

  @Test("an image that cannot be encoded creates no file")
  func invalidImageCreatesNoFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.file("out.png")
    let image = PNGImage(pixels: Tensor(shape: [3, 2, 2], repeating: 0), layout: .gray)

    let expected = PNGError.cannotWrite(path: path, reason: "layout gray needs 1 channel, got 3")
    #expect(throws: expected) { try image.write(to: path) }
    #expect(folder.contents().isEmpty)
  }
}
