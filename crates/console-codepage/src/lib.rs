//! The output code page of the Windows console attached to this process.
//!
//! topolint forbids `unsafe` code, and no maintained crate offers `GetConsoleOutputCP` as a safe
//! function (`anstyle-query` enables colour, `supports-unicode` only reads environment
//! variables, `winapi-util` has no code pages). This crate is that one safe function: one call
//! through Microsoft's `windows-sys` bindings, which takes no arguments and only reads the
//! state of the process's console.

/// The console's output code page (`65001` is UTF-8; `437`, `850`, `1252`... are legacy code
/// pages), or `None` when the process has no console or is not running on Windows.
#[must_use]
pub fn output_code_page() -> Option<u32> {
    #[cfg(windows)]
    {
        // SAFETY: GetConsoleOutputCP has no parameters and no preconditions: it reads the code
        // page of the console attached to the calling process, and returns 0 when there is none.
        let code_page = unsafe { windows_sys::Win32::System::Console::GetConsoleOutputCP() };
        (code_page != 0).then_some(code_page)
    }
    #[cfg(not(windows))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    #[cfg(not(windows))]
    #[test]
    fn there_is_no_console_code_page_outside_windows() {
        assert_eq!(super::output_code_page(), None);
    }
}
