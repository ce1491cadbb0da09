import Foundation

/// A first-in, first-out queue of bands between two threads, with room for `capacity`
/// of them, so that a fast stage waits for a slow one instead of filling memory.
///
/// The producer calls `push` for each band, then `finish`, or `fail` with its error. The
/// consumer calls `pop` until it returns `nil`, and `cancel` if it stops early, which makes
/// the producer's next `push` return `false`.
final class BandQueue<Element: Sendable>: @unchecked Sendable {
  // @unchecked because every stored property below is read and written only while
  // `condition` is locked.
  private let condition = NSCondition()
  private var items: [Element] = []
  private var finished = false
  private var cancelled = false
  private var failure: (any Error)?
  private let capacity: Int

  init(capacity: Int) {
    precondition(capacity >= 1, "a queue needs room for one band, got \(capacity)")
    self.capacity = capacity
  }

  /// Adds a band, waiting while the queue is full. Returns `false`, without adding it, once
  /// the consumer has cancelled.
  func push(_ item: Element) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !cancelled {
      condition.wait()
    }
    guard !cancelled else { return false }
    items.append(item)
    condition.broadcast()
    return true
  }

  /// Marks the end of the bands.
  func finish() {
    condition.lock()
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  /// Ends the bands with the producer's error, which `pop` throws after the bands before it.
  func fail(_ error: any Error) {
    condition.lock()
    failure = error
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  /// Stops the producer: its pushes from now on return `false`.
  func cancel() {
    condition.lock()
    cancelled = true
    items.removeAll()
    condition.broadcast()
    condition.unlock()
  }

  /// Returns the next band, waiting for it, or `nil` after the last one or once cancelled.
  ///
  /// - Throws: the producer's error from `fail`.
  func pop() throws -> Element? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !finished && !cancelled {
      condition.wait()
    }
    if !items.isEmpty {
      condition.broadcast()
      return items.removeFirst()
    }
    if let failure, !cancelled {
      throw failure
    }
    return nil
  }
}
