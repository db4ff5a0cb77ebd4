//! Freed memory goes back to the system.
//!
//! glibc raises its mmap threshold to the size of each large block freed
//! (up to 32 MB), so that later blocks that large come from the heap arenas
//! instead, and are kept there after they are freed. In a long-lived server
//! that is most of its memory: each password hash takes 19 MB (argon2's
//! default), uploads and built files a few MB, on whichever of up to 16
//! arenas the thread uses. Measured with `bench/office_load.py
//! --per-county 20 --seconds 60`, the server's resident memory was 1.24 GB
//! after the setup and stayed there; with the threshold fixed at glibc's
//! own starting value it was 40–70 MB (docs/performance.md).

/// Fixes the mmap threshold at 128 KB, which also stops glibc from moving
/// it: a large block is mapped on its own and unmapped when freed.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt sets an allocator parameter under the
        // allocator's own lock; no memory is touched.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        }
    }
}
