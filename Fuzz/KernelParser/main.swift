// libFuzzer target: custom kernels from matrix text and JSON kernel files, then
// filtering a small image with each kernel that parses.
//
// Built and run by Scripts/fuzz.sh. The first input byte selects the parser
// (even: matrix text, odd: JSON) and the border mode; the rest is the text.
// A finding is a crash, a sanitizer report, or a JSON kernel file that does not
// survive `encoded()` and decoding unchanged. Results are not checked: finite
// weights near Float's largest value give infinite sums, which the output
// mapping and the PNG writer then handle.

import ConvKit
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size >= 1 else { return 0 }
  let selector = Int(data[0])
  let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

  var file: KernelFile
  do {
    if selector % 2 == 0 {
      file = KernelFile(kernel: try KernelParser.parse(String(decoding: body, as: UTF8.self)))
    } else {
      file = try KernelFile.decode(Data(body), path: "input")
      let again = try KernelFile.decode(Data(file.encoded().utf8), path: "encoded")
      precondition(again == file, "kernel file changed in an encode and decode")
    }
  } catch {
    return 0
  }

  if selector & 2 != 0, let normalized = normalize(file) {
    file = normalized
  }
  filterSmallImage(with: file, border: borders[(selector >> 2) % borders.count])
  return 0
}

/// Every border mode, so kernels larger than the image are padded in each.
let borders: [BorderMode] = [.constant(0), .replicate, .reflect101, .symmetric, .wrap]

/// Scales the weights to sum to 1, as `--normalize` does; nil when they cannot be.
func normalize(_ file: KernelFile) -> KernelFile? {
  guard
    let flat = try? Kernel(rows: 1, columns: file.weights.count, values: file.weights.scalars),
    let scaled = try? flat.normalized()
  else { return nil }
  var result = file
  result.weights = Tensor(shape: file.weights.shape, scalars: scaled.values)
  return result
}

/// Filters a 3 x 5 image, with the channel count that the kernel takes.
func filterSmallImage(with file: KernelFile, border: BorderMode) {
  let channels = file.filter.requiredInputChannels ?? 3
  guard channels <= 4 else { return }
  let samples = (0..<channels * 15).map { Float($0 % 7) / 6 }
  let image = Tensor(shape: [channels, 3, 5], scalars: samples)

  let filter = ImageFilter(filter: file.filter, border: border, mapping: .clamp)
  _ = try? filter.apply(to: image, hasAlpha: false)
}
