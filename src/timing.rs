//! Stage times on stderr when `SHENBAO_TIMING` is set (for benchmarks).

pub struct Timing(Option<std::cell::Cell<std::time::Instant>>);

impl Timing {
    pub fn start() -> Self {
        Timing(
            std::env::var_os("SHENBAO_TIMING")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }

    pub fn lap(&self, what: &str) {
        if let Some(t) = &self.0 {
            eprintln!(
                "timing {what}: {:.1} ms",
                t.get().elapsed().as_secs_f64() * 1000.0
            );
            t.set(std::time::Instant::now());
        }
    }
}
