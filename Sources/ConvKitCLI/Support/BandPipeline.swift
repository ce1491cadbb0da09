import ConvKit
import ConvKitPNG
import Foundation

/// Filters a PNG file band by band on three threads, so that decoding, filtering and
/// compressing overlap and the image is never in memory whole.
///
/// A reader thread decodes chunks of rows, which `PNGRowDecoder` reads from the file as
/// it goes. The calling thread builds each band from them, with the rows the kernel
/// reaches above and below, and filters it (the engine adds its own threads). A writer
/// thread compresses the filtered rows, which an encoder made with
/// `PNGRowEncoder.init(writingTo:...)` sends on to the output's temporary file. Queues of
/// two bands between the stages bound the memory to about six bands, whatever the size of
/// the files.
struct BandPipeline {
  /// The filter, whose `canFilterBands` must be true.
  let filter: ImageFilter

  /// Output rows per band, and rows per decoded chunk: a multiple of the filter's
  /// `bandAlignment`, so that the output has exactly the bits of the whole-image path.
  let bandRows: Int

  /// The minimum output rows per band. About six bands plus the kernel's rows are in memory.
  static let minimumBandRows = 64

  /// The largest band alignment the pipeline takes; a filter whose correlations restart
  /// at rows that far apart is filtered whole.
  static let maximumBandRows = 1024

  /// Prepares the pipeline for an image of shape `[C, H, W]`, or returns `nil` when the
  /// image cannot go through it. The filter must allow bands, and the border rows of a
  /// band must come from rows near that border, which needs an image taller than twice
  /// the kernel.
  init?(filter: ImageFilter, imageShape: [Int], hasAlpha: Bool) {
    let reach = filter.rowReach
    guard filter.canFilterBands, imageShape[1] > 2 * (reach.above + reach.below) + 1,
      let alignment = try? filter.bandAlignment(imageShape: imageShape, hasAlpha: hasAlpha),
      alignment <= Self.maximumBandRows
    else { return nil }

    self.filter = filter
    self.bandRows = alignment * ((Self.minimumBandRows + alignment - 1) / alignment)
  }

  /// Decodes, filters and compresses every row.
  ///
  /// - Parameters:
  ///   - decoder: a decoder that has read no rows.
  ///   - filterBand: filters one band (see `ImageFilter.apply(toBand:hasAlpha:)`).
  ///   - makeEncoder: creates the encoder from the first filtered band.
  /// - Returns: the encoder, with every row written and the file not yet finished.
  /// - Throws: the first error of any stage, after which the other stages stop.
  func run(
    _ decoder: PNGRowDecoder, filterBand: (Tensor) throws -> Tensor,
    makeEncoder: (Tensor) throws -> PNGRowEncoder
  ) throws -> PNGRowEncoder {
    let decoded = BandQueue<Tensor>(capacity: 2)
    let reader = StageThread(start: Self.readRows(from: Owned(decoder), into: decoded, chunk: bandRows))
    var writer: (thread: StageThread, encoder: Owned<PNGRowEncoder>, queue: BandQueue<Tensor>)?
    defer {
      decoded.cancel()
      writer?.queue.cancel()
      reader.wait()
      writer?.thread.wait()
    }

    var window = RowWindow()
    var first = 0
    while first < decoder.height {
      let end = min(first + bandRows, decoder.height)
      let sources = sourceRows(outputRows: first..<end, height: decoder.height)
      while window.rowsReceived <= sources.max()! {
        guard let rows = try decoded.pop() else {
          preconditionFailure("the reader stopped before row \(window.rowsReceived)")
        }
        window.append(rows)
      }

      let band = try filterBand(window.band(rows: sources))
      if writer == nil {
        let encoder = Owned(try makeEncoder(band))
        let queue = BandQueue<Tensor>(capacity: 2)
        writer = (StageThread(start: Self.writeRows(from: queue, to: encoder)), encoder, queue)
      }
      guard writer!.queue.push(band) else { break }

      first = end
      window.dropRows(before: earliestRowNeeded(from: first, height: decoder.height))
    }

    writer!.queue.finish()
    writer!.thread.wait()
    if let failure = writer!.encoder.failure {
      throw failure
    }
    return writer!.encoder.value
  }

  /// Returns the image rows that a band of `outputRows` reads, the outside ones replaced by
  /// the rows the border copies.
  private func sourceRows(outputRows: Range<Int>, height: Int) -> [Int] {
    let reach = filter.rowReach
    return ((outputRows.lowerBound - reach.above)..<(outputRows.upperBound + reach.below)).map {
      filter.border.sourceIndex(of: $0, size: height)!
    }
  }

  /// Returns the first image row that a band starting at output row `first`, or a later
  /// band, reads. The last bands read rows above the bottom edge again, which the border
  /// copies.
  private func earliestRowNeeded(from first: Int, height: Int) -> Int {
    guard first < height else { return height }
    let reach = filter.rowReach
    let next = sourceRows(outputRows: first..<min(first + bandRows, height), height: height)
    let bottom = filter.border.sourceIndex(of: height - 1 + reach.below, size: height)!
    return min(next.min()!, bottom)
  }

  /// Returns the reader thread's work, which decodes `chunk` rows at a time into `queue`.
  private static func readRows(
    from decoder: Owned<PNGRowDecoder>, into queue: BandQueue<Tensor>, chunk: Int
  ) -> @Sendable () -> Void {
    {
      let decoder = decoder.value
      do {
        while decoder.rowsRead < decoder.height {
          let rows = try decoder.readRows(min(chunk, decoder.height - decoder.rowsRead))
          guard queue.push(rows) else { return }
        }
        queue.finish()
      } catch {
        queue.fail(error)
      }
    }
  }

  /// Returns the writer thread's work, which compresses the bands from `queue`. The first
  /// error goes to `encoder.failure` and stops the queue.
  private static func writeRows(
    from queue: BandQueue<Tensor>, to encoder: Owned<PNGRowEncoder>
  ) -> @Sendable () -> Void {
    {
      do {
        while let rows = try queue.pop() {
          try encoder.value.writeRows(rows)
        }
      } catch {
        encoder.failure = error
        queue.cancel()
      }
    }
  }
}

/// An object that one stage of the pipeline uses at a time: the reader thread owns the
/// decoder while it runs, and the writer thread the encoder, until the calling thread
/// waits for them to end.
final class Owned<Value>: @unchecked Sendable {
  // @unchecked because ownership passes between threads only across
  // `StageThread.start` and `StageThread.wait`, which order the accesses.
  let value: Value
  var failure: (any Error)?

  init(_ value: Value) {
    self.value = value
  }
}

/// A thread that runs one closure, and a way to wait for its end.
struct StageThread {
  private let done = DispatchSemaphore(value: 0)

  init(start body: @escaping @Sendable () -> Void) {
    let done = self.done
    let thread = Thread {
      body()
      done.signal()
    }
    thread.start()
  }

  /// Waits until the closure has returned. Later calls return at once.
  func wait() {
    done.wait()
    done.signal()
  }
}
