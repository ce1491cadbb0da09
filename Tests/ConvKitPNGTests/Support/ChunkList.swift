/// The chunks of an encoded PNG, read independently of libpng.
struct ChunkList {
  /// One chunk: its four-letter type and its data.
  struct Chunk {
    var type: String
    var data: [UInt8]
  }

  /// The chunks in file order.
  var chunks: [Chunk]

  /// Splits a PNG file into chunks; stops at the end of the bytes.
  init(_ bytes: [UInt8]) {
    chunks = []
    var offset = 8
    while offset + 12 <= bytes.count {
      let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
      let end = min(offset + 8 + length, bytes.count)
      chunks.append(Chunk(type: type, data: Array(bytes[offset + 8..<end])))
      offset += 12 + length
    }
  }

  /// The chunk types in file order.
  var types: [String] {
    chunks.map(\.type)
  }

  /// The IHDR bit depth.
  var bitDepth: Int? {
    chunks.first { $0.type == "IHDR" }.map { Int($0.data[8]) }
  }

  /// The IHDR colour type.
  var colorType: Int? {
    chunks.first { $0.type == "IHDR" }.map { Int($0.data[9]) }
  }
}
