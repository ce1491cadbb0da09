import ConvKit
import ConvKitPNG
import Foundation
import Testing

/// Seeded random damage to PngSuite files: every mutant either decodes or throws
/// `PNGError`, and nothing crashes. A fast, repeatable cousin of the libFuzzer target in
/// Fuzz/PNGDecoder, run by `swift test`.
@Suite("Mutated PngSuite files")
struct MutationTests {
  /// The number of mutants per run.
  static let mutantCount = 3000

  /// The pixel limit while decoding mutants: a damaged IHDR may declare a huge image, and
  /// 2^20 pixels keep each decode small.
  static let maximumPixels = 1 << 20

  /// Damaged files of more than 64 KiB, which `PNGRowDecoder` reads from the file as it
  /// decodes, agree with the whole-file decoder, which reads them into memory first:
  /// both decode the same samples, or both throw.
  @Test("large mutants decode alike")
  func largeMutantsAgree() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let original = try RowCodingTests.largeImage().encoded(compressionLevel: 0)
    var random = SplitMix64(seed: 0x1A26_E5EE)
    var outcomes = (decoded: 0, rejected: 0)

    for index in 0..<100 {
      let mutant = Mutator.mutate(original, using: &random)
      let path = try folder.create("mutant-\(index).png", contents: Data(mutant))
      let whole = try? PNGImage(contentsOf: path, maximumPixels: Self.maximumPixels).pixels
      let rows = try? RowCodingTests.decodeAll(path, maximumPixels: Self.maximumPixels)

      #expect(rows == whole, "mutant \(index)")
      if whole == nil { outcomes.rejected += 1 } else { outcomes.decoded += 1 }
    }
    // Nearly every mutant fails a CRC or the zlib check. The valid large files of
    // RowCodingTests compare decoded samples.
    #expect(outcomes.rejected > 0, "\(outcomes)")
  }

  @Test("3000 seeded mutants decode or throw")
  func mutantsDecodeOrThrow() throws {
    let names = Fixtures.validNames + Fixtures.invalidNames
    let files = try names.map { name in
      try #require(Fixtures.bytes(of: name.hasPrefix("x") ? Fixtures.invalid(name) : Fixtures.valid(name)))
    }
    var random = SplitMix64(seed: 0x5EED_C0DE)
    var outcomes = (decoded: 0, rejected: 0)

    for index in 0..<Self.mutantCount {
      let file = files[Int(random.next() % UInt64(files.count))]
      let mutant = Mutator.mutate(file, using: &random)
      let image: PNGImage
      do {
        image = try PNGImage.decode(mutant, name: "mutant \(index)", maximumPixels: Self.maximumPixels)
      } catch {
        #expect(error.path == "mutant \(index)", "\(error)")
        outcomes.rejected += 1
        continue
      }

      // What decodes must also encode, as `convkit filter` writes every image it reads.
      #expect(throws: Never.self, "mutant \(index)") { try image.encoded(compressionLevel: 1) }
      outcomes.decoded += 1
    }

    // Both outcomes must occur, or the mutations are too weak or too strong to test much.
    // With this seed and libpng 1.6.39, 284 mutants decode; most are rejected, because
    // damage to compressed data fails zlib's Adler-32 check.
    #expect(outcomes.decoded >= 150, "\(outcomes)")
    #expect(outcomes.rejected >= 1500, "\(outcomes)")
  }
}

/// Damages PNG bytes in the ways a fuzzer does, some of them with the chunk CRCs
/// recomputed so that the damage reaches past libpng's CRC check.
enum Mutator {
  static func mutate(_ original: [UInt8], using random: inout SplitMix64) -> [UInt8] {
    var bytes = original
    let steps = 1 + Int(random.next() % 2)
    for _ in 0..<steps {
      let kind = Int(random.next() % 10)
      if kind < 7 {
        apply(kind, to: &bytes, using: &random)
      } else {
        applyToChunks(kind, to: &bytes, using: &random)
      }
    }
    if random.next() % 2 == 0 {
      bytes = withFixedCRCs(bytes)
    }
    return bytes
  }

  private static func apply(_ kind: Int, to bytes: inout [UInt8], using random: inout SplitMix64) {
    guard !bytes.isEmpty else { return }
    let position = Int(random.next() % UInt64(bytes.count))
    switch kind {
    case 0:  // flip one bit
      bytes[position] ^= 1 << UInt8(random.next() % 8)
    case 1:  // set a byte to an interesting value
      bytes[position] = [0x00, 0x01, 0x7F, 0x80, 0xFF][Int(random.next() % 5)]
    case 2:  // cut the file
      bytes.removeSubrange(position...)
    case 3:  // delete a few bytes
      bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(random.next() % 16)))
    case 4:  // insert random bytes
      let inserted = (0..<1 + Int(random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      bytes.insert(contentsOf: inserted, at: position)
    case 5:  // copy a run of the file elsewhere, as when a chunk is duplicated
      let length = min(bytes.count - position, 1 + Int(random.next() % 64))
      let target = Int(random.next() % UInt64(bytes.count))
      bytes.insert(contentsOf: bytes[position..<position + length], at: target)
    default:  // overwrite a 32-bit field with a large value, such as a chunk length or IHDR size
      let value = [UInt32.max, 0x7FFF_FFFF, 0x8000_0000, 100_000][Int(random.next() % 4)]
      let end = min(bytes.count, position + 4)
      bytes.replaceSubrange(position..<end, with: CraftedPNG.bigEndian(value).prefix(end - position))
    }
  }

  /// Removes, duplicates or swaps whole chunks, which leaves the compressed data intact.
  private static func applyToChunks(
    _ kind: Int, to bytes: inout [UInt8], using random: inout SplitMix64
  ) {
    let chunks = chunkRanges(bytes)
    guard chunks.count >= 2 else { return }
    let index = Int(random.next() % UInt64(chunks.count - 1))
    let (first, second) = (chunks[index], chunks[index + 1])
    switch kind {
    case 7:
      bytes.removeSubrange(first)
    case 8:
      bytes.insert(contentsOf: bytes[first], at: first.upperBound)
    default:
      bytes.replaceSubrange(first.lowerBound..<second.upperBound, with: bytes[second] + bytes[first])
    }
  }

  /// Returns the byte ranges of the whole chunks after the signature.
  static func chunkRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var offset = 8
    while offset + 12 <= bytes.count {
      let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      guard length <= bytes.count - offset - 12 else { break }
      ranges.append(offset..<offset + 12 + length)
      offset += 12 + length
    }
    return ranges
  }

  /// Recomputes the CRC of every whole chunk after the signature.
  static func withFixedCRCs(_ original: [UInt8]) -> [UInt8] {
    var bytes = original
    for chunk in chunkRanges(bytes) {
      let crc = CRC32.checksum(Array(bytes[chunk.lowerBound + 4..<chunk.upperBound - 4]))
      bytes.replaceSubrange(chunk.upperBound - 4..<chunk.upperBound, with: CraftedPNG.bigEndian(crc))
    }
    return bytes
  }
}

/// A seeded pseudo-random generator (SplitMix64), so every run makes the same mutants.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
}
