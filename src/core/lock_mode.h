#pragma once

namespace flyrun {

/// Which migration lock is taken (config `lock`): the server's own lock, the
/// lease row in flyrun's lock table, or the native lock where it is known to be
/// correct and the lease elsewhere.
enum class LockMode { kAuto, kNative, kTable };

}  // namespace flyrun
