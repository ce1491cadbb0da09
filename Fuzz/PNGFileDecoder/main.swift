// libFuzzer target: the band decoder reading a PNG from its file, against the decoder
// that reads the whole file into memory.
//
// Built and run by Scripts/fuzz.sh. PNGRowDecoder checks the first 64 KiB of a regular
// file in memory and reads the rest from the file as it decodes. So that the mutated
// chunks lie in that rest, the target inserts a private ancillary chunk of 64 KiB after
// the first 33 bytes of the input, where a valid file ends its IHDR chunk. A finding is a
// crash or sanitizer report, or a file that the two decoders do not decode alike: the
// same samples, or an error from both.

import ConvKit
import ConvKitPNG

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The pixel limit while fuzzing, so that a mutated IHDR cannot make one input allocate
/// gigabytes.
let maximumPixels = 1 << 20

/// Rows per band, small and odd so that bands end at many points of the file.
let bandRows = 7

/// The length in bytes of a valid file's signature and IHDR chunk.
let headerBytes = 33

/// A private, ancillary, safe-to-copy chunk that decoders skip, large enough to push the
/// rest of the input past the 64 KiB that PNGRowDecoder checks in memory.
let paddingChunk: [UInt8] = {
  let data = [UInt8](repeating: 0, count: 64 << 10)
  let kind = Array("fuZz".utf8)
  return bigEndian(UInt32(data.count)) + kind + data + bigEndian(crc32(kind + data))
}()

/// The file each input is written to, one per fuzzing process.
let path = "/tmp/convkit-fuzz-file-\(getpid()).png"

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let input = Array(UnsafeBufferPointer(start: data, count: size))
  guard input.count >= headerBytes else { return 0 }
  let file = Array(input[..<headerBytes]) + paddingChunk + Array(input[headerBytes...])
  guard write(file, to: path) else {
    fatalError("cannot write \(path)")
  }
  defer { unlink(path) }

  let whole = try? PNGImage(contentsOf: path, maximumPixels: maximumPixels).pixels
  let bands: Tensor?
  do {
    guard let decoder = try PNGRowDecoder(contentsOf: path, maximumPixels: maximumPixels) else {
      return 0  // interlaced: only the whole-file decoder reads it
    }
    bands = try decodeInBands(decoder)
  } catch {
    bands = nil
  }

  precondition(
    (whole == nil) == (bands == nil),
    "one decoder rejected what the other decoded: whole \(whole == nil ? "failed" : "decoded")")
  precondition(whole == bands, "the decoders returned different samples")
  return 0
}

/// Returns all rows of `decoder`, read `bandRows` at a time, as one `[C, H, W]` tensor.
func decodeInBands(_ decoder: PNGRowDecoder) throws(PNGError) -> Tensor {
  let channels = decoder.layout.channelCount
  var planes = [[Float]](repeating: [], count: channels)
  while decoder.rowsRead < decoder.height {
    let band = try decoder.readRows(min(bandRows, decoder.height - decoder.rowsRead))
    let planeCount = band.count / channels
    for channel in 0..<channels {
      planes[channel] += band.scalars[(channel * planeCount)..<((channel + 1) * planeCount)]
    }
  }
  return Tensor(shape: [channels, decoder.height, decoder.width], scalars: Array(planes.joined()))
}

/// Writes `bytes` to `path`, replacing the file; returns whether every byte was written.
func write(_ bytes: [UInt8], to path: String) -> Bool {
  guard let file = fopen(path, "wb") else { return false }
  let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
  return fclose(file) == 0 && written == bytes.count
}

func bigEndian(_ value: UInt32) -> [UInt8] {
  [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

/// Returns the CRC-32 of PNG chunks (ISO 3309, the polynomial of zlib's `crc32`).
func crc32(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 {
      crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1
    }
  }
  return ~crc
}
