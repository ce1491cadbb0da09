// libFuzzer target: PNG decoding through libpng, then encoding and decoding again.
//
// Built and run by Scripts/fuzz.sh. A finding is a crash or sanitizer report in
// decoding, or a decoded image that does not survive an encode and decode
// unchanged.

import ConvKitPNG

/// The pixel limit while fuzzing: 2^20, so that a mutated IHDR cannot make one
/// input allocate gigabytes and slow the run down.
let maximumPixels = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let image: PNGImage
  do {
    image = try PNGImage.decode(bytes, name: "input", maximumPixels: maximumPixels)
  } catch {
    return 0
  }

  // Whatever decodes must be writable: `convkit filter` writes every image it reads.
  let encoded: [UInt8]
  do {
    encoded = try image.encoded(compressionLevel: 1)
  } catch {
    fatalError("decoded image cannot be encoded: \(error)")
  }
  guard let again = try? PNGImage.decode(encoded, name: "encoded", maximumPixels: maximumPixels)
  else {
    fatalError("encoded image cannot be decoded")
  }
  precondition(again.pixels == image.pixels, "samples changed in an encode and decode")
  precondition(again.colorSpace == image.colorSpace, "colour space changed")
  return 0
}
