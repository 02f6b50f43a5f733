//! The scripted LLM server as a program, for end-to-end tests of the app and for benchmarks:
//! `kickstart-llm-server [--port N] [--tokens N] [--paragraph N] [--delay-ms N] [--require-key KEY]`.
//!
//! Nothing can be queued from outside, so every chat request gets the default answer in the
//! format of the endpoint called: "Hello from the scripted server." or, with `--tokens N`, N
//! pieces "tok " (a long answer for measuring streaming; `--paragraph N` ends every Nth piece
//! with a blank line instead, as prose has paragraphs), with `--delay-ms` before each piece.
//! With `--require-key KEY` every request must carry the key (`Authorization: Bearer KEY`, or
//! `x-api-key: KEY` for Anthropic's paths), else it gets the provider's 401 — so an end-to-end test
//! can tell that the app sent the key it stored, and see how a wrong key is reported.
//! It prints `listening http://127.0.0.1:PORT` once ready (so a test can pass `--port 0` and read
//! the port) and serves until killed.
//!
//! An end-to-end test can change the default answer while the server runs by writing one JSON
//! line per change to its standard input: `{"pieces": ["Hel", "lo"], "delayMs": 40}`; or queue
//! answers for the next requests, in the OpenAI format, tool calls included:
//! `{"queue": [{"text": ["On it."], "toolCalls": [{"id": "c1", "name": "add_task", "arguments": "{…}"}]},
//! {"text": ["Done."]}]}`.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use kickstart_testkit::llm_server::script::{frames_as_steps, openai_text_and_tool_calls, ScriptedCall};
use kickstart_testkit::llm_server::{Reply, ScriptedLlm, DEFAULT_MODEL, DEFAULT_PIECES};

/// Queued answers from one JSON line of standard input (`{"queue": [...]}`).
fn queued_replies(value: &serde_json::Value) -> Result<Vec<Reply>, String> {
    let strings = |value: &serde_json::Value| -> Vec<String> {
        value
            .as_array()
            .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let items = value["queue"].as_array().ok_or("\"queue\" must be a list")?;
    let mut replies = Vec::with_capacity(items.len());
    for item in items {
        let text = strings(&item["text"]);
        let calls: Vec<(String, String, String)> = item["toolCalls"]
            .as_array()
            .map(|calls| {
                calls
                    .iter()
                    .map(|c| {
                        let field = |name: &str| c[name].as_str().unwrap_or_default().to_owned();
                        (field("id"), field("name"), field("arguments"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let arguments: Vec<[&str; 1]> = calls.iter().map(|(_, _, args)| [args.as_str()]).collect();
        let scripted: Vec<ScriptedCall<'_>> = calls
            .iter()
            .zip(&arguments)
            .map(|((id, name, _), args)| ScriptedCall { id, name, arguments: args })
            .collect();
        let text: Vec<&str> = text.iter().map(String::as_str).collect();
        let frames = if scripted.is_empty() {
            kickstart_testkit::llm_server::script::openai_text(DEFAULT_MODEL, &text)
        } else {
            openai_text_and_tool_calls(DEFAULT_MODEL, &text, &scripted)
        };
        replies.push(Reply::Stream(frames_as_steps(frames)));
    }
    Ok(replies)
}

/// A new default answer from one JSON line of standard input: its pieces and the pause before each.
fn answer_change(line: &str) -> Result<(Vec<String>, Duration), String> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
    let pieces = value["pieces"]
        .as_array()
        .and_then(|pieces| pieces.iter().map(|p| p.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
        .ok_or("\"pieces\" must be a list of strings")?;
    Ok((pieces, Duration::from_millis(value["delayMs"].as_u64().unwrap_or(0))))
}

const USAGE: &str =
    "usage: kickstart-llm-server [--port N] [--tokens N] [--paragraph N] [--delay-ms N] [--require-key KEY]";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut port: u16 = 0;
    let mut tokens: Option<usize> = None;
    let mut delay_ms: u64 = 0;
    let mut paragraph: usize = 0;
    let mut key: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            println!("{USAGE}");
            return Ok(());
        }
        let value = args.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))?;
        match arg.as_str() {
            "--port" => port = value.parse().map_err(|error| format!("--port {value}: {error}"))?,
            "--tokens" => tokens = Some(value.parse().map_err(|error| format!("--tokens {value}: {error}"))?),
            "--paragraph" => paragraph = value.parse().map_err(|error| format!("--paragraph {value}: {error}"))?,
            "--delay-ms" => delay_ms = value.parse().map_err(|error| format!("--delay-ms {value}: {error}"))?,
            "--require-key" if value.is_empty() => {
                return Err(format!("--require-key needs a non-empty key\n{USAGE}").into())
            }
            "--require-key" => key = Some(value),
            _ => return Err(format!("unknown argument {arg}\n{USAGE}").into()),
        }
    }

    let llm = ScriptedLlm::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let pieces = match tokens {
        Some(count) => (1..=count)
            .map(|i| if paragraph > 0 && i % paragraph == 0 { "tok\n\n" } else { "tok " }.to_owned())
            .collect(),
        None => DEFAULT_PIECES.iter().map(|piece| (*piece).to_owned()).collect(),
    };
    llm.set_default_answer(pieces, Duration::from_millis(delay_ms));
    llm.require_key(key);

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening {}", llm.url())?;
    stdout.flush()?;
    drop(stdout);

    // Answers changed from standard input, one JSON line each, until it closes.
    let llm = std::sync::Arc::new(llm);
    tokio::task::spawn_blocking(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            if let Some(queue) =
                serde_json::from_str::<serde_json::Value>(&line).ok().filter(|v| v.get("queue").is_some())
            {
                match queued_replies(&queue) {
                    Ok(replies) => replies.into_iter().for_each(|reply| llm.push(reply)),
                    Err(error) => eprintln!("ignored a line on stdin ({error}): {line}"),
                }
                continue;
            }
            match answer_change(&line) {
                Ok((pieces, delay)) => llm.set_default_answer(pieces, delay),
                Err(error) => eprintln!("ignored a line on stdin ({error}): {line}"),
            }
        }
        // Keep serving after stdin closes.
        std::mem::forget(llm);
    });
    std::future::pending::<()>().await;
    Ok(())
}
