import Dispatch
import Synchronization

/// Runs numbered units of work on several threads.
///
/// Callers split their work into units whose boundaries do not depend on the thread count,
/// and each unit writes only its own part of the output, so results are bit-identical for
/// any number of threads.
enum ParallelLoop {
  /// Calls `body(unit)` once for every unit in `0..<units`.
  ///
  /// With `threads` `nil`, Dispatch hands units to one thread per active core as they
  /// finish. With a count, that many threads take the next unit from a shared counter
  /// whenever they finish one, so a thread that the system pauses delays only its current
  /// unit instead of a fixed share of them. With 1, the units run in order on the calling
  /// thread.
  static func run(units: Int, threads: Int?, _ body: @Sendable (Int) -> Void) {
    guard units > 0 else { return }
    if units == 1 || threads == 1 {
      for unit in 0..<units {
        body(unit)
      }
      return
    }
    guard let threads else {
      DispatchQueue.concurrentPerform(iterations: units, execute: body)
      return
    }
    let workers = min(threads, units)
    guard #available(macOS 15, iOS 18, tvOS 18, watchOS 11, *) else {
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for unit in stride(from: worker, to: units, by: workers) {
          body(unit)
        }
      }
      return
    }
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        let unit = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard unit < units else { return }
        body(unit)
      }
    }
  }
}

/// A pointer that worker threads may share because each writes a disjoint part of the
/// memory it points to, and the owner keeps that memory alive until `ParallelLoop.run`
/// returns.
struct SharedPointer<Pointee>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Pointee>

  init(_ base: UnsafeMutablePointer<Pointee>) {
    self.base = base
  }
}
