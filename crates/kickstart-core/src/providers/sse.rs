//! A server-sent events parser over raw bytes, shared by every provider.
//!
//! It splits lines on the bytes themselves and decodes a line only once it is complete, so a
//! multi-byte UTF-8 character or an event split across network reads is reassembled, never
//! mangled. Handles `\n`, `\r\n` and lone `\r` line ends, comments and the optional space after
//! the colon, as the SSE specification says.

/// One dispatched event: its `event:` name (if any) and its `data:` lines joined by `\n`.
/// Borrowed from the parser's buffers, which are reused for the next event (no allocation per
/// event on the hot path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseEvent<'a> {
    pub event: Option<&'a str>,
    pub data: &'a str,
}

/// A line longer than this is not an SSE stream an API would send: stop rather than buffer forever.
const MAX_LINE: usize = 8 * 1024 * 1024;

/// Why the bytes are not a readable event stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    #[error("a line of the stream is not valid UTF-8")]
    NotUtf8,
    #[error("a line of the stream is longer than 8 MiB")]
    LineTooLong,
}

#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes not yet ending in a line break.
    pending: Vec<u8>,
    /// A `\r` ended the previous read: a `\n` starting the next one belongs to it.
    after_cr: bool,
    event: String,
    has_event: bool,
    data: String,
    has_data: bool,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next bytes read; calls `dispatch` for every event they complete.
    pub fn feed(&mut self, mut bytes: &[u8], mut dispatch: impl FnMut(SseEvent<'_>)) -> Result<(), SseError> {
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        while let Some(end) = bytes.iter().position(|&byte| byte == b'\n' || byte == b'\r') {
            let (line, rest) = bytes.split_at(end);
            let line_end_len = if rest.starts_with(b"\r\n") { 2 } else { 1 };
            if rest == b"\r" {
                self.after_cr = true;
            }
            if self.pending.is_empty() {
                self.line(line, &mut dispatch)?;
            } else {
                let mut whole = std::mem::take(&mut self.pending);
                whole.extend_from_slice(line);
                self.line(&whole, &mut dispatch)?;
            }
            bytes = &rest[line_end_len..];
        }
        if self.pending.len() + bytes.len() > MAX_LINE {
            return Err(SseError::LineTooLong);
        }
        self.pending.extend_from_slice(bytes);
        Ok(())
    }

    /// The stream ended: an event not closed by a blank line is dropped, as the spec says.
    pub fn finish(&mut self) {
        self.pending.clear();
        self.data.clear();
        self.has_data = false;
        self.has_event = false;
    }

    fn line(&mut self, line: &[u8], dispatch: &mut impl FnMut(SseEvent<'_>)) -> Result<(), SseError> {
        if line.is_empty() {
            if self.has_data {
                // Without the "\n" after the last data line.
                let data = &self.data[..self.data.len() - 1];
                dispatch(SseEvent { event: self.has_event.then_some(self.event.as_str()), data });
            }
            self.data.clear();
            self.has_data = false;
            self.has_event = false;
            return Ok(());
        }
        let line = std::str::from_utf8(line).map_err(|_| SseError::NotUtf8)?;
        if line.starts_with(':') {
            return Ok(());
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "event" => {
                self.event.clear();
                self.event.push_str(value);
                self.has_event = true;
            }
            _ => {} // id, retry and unknown fields mean nothing to an API client
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (event name, data) pairs.
    fn parse_in_pieces(bytes: &[u8], cuts: &[usize]) -> Vec<(Option<String>, String)> {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        let mut start = 0;
        for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
            parser
                .feed(&bytes[start..cut], |event| events.push((event.event.map(str::to_owned), event.data.to_owned())))
                .expect("valid SSE");
            start = cut;
        }
        events
    }

    #[test]
    fn events_and_names() {
        let events = parse_in_pieces(b"event: ping\ndata: {}\n\ndata: a\ndata:b\n\n: comment\n\n", &[]);
        assert_eq!(events, vec![(Some("ping".into()), "{}".into()), (None, "a\nb".into())]);
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let stream = "event: x\r\ndata: héllo 🌍 wörld\r\n\r\ndata: second\rdata: line\r\r".as_bytes();
        let whole = parse_in_pieces(stream, &[]);
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[0], (Some("x".into()), "héllo 🌍 wörld".into()));
        assert_eq!(whole[1], (None, "second\nline".into()));
        for cut in 1..stream.len() {
            assert_eq!(parse_in_pieces(stream, &[cut]), whole, "cut at byte {cut}");
        }
        let every_byte: Vec<usize> = (1..stream.len()).collect();
        assert_eq!(parse_in_pieces(stream, &every_byte), whole);
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        let mut parser = SseParser::new();
        assert_eq!(parser.feed(b"data: \xff\xfe\n\n", |_| {}), Err(SseError::NotUtf8));
    }
}
