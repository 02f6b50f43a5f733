//! Fills a data folder with a profile and many tasks, to measure the real app with a full
//! database: `kickstart-seed DATA_DIR USERNAME PASSWORD TASKS [PROVIDER_URL]`. With a provider URL
//! (the scripted LLM server's `/v1`), the profile also gets it as its default OpenAI-compatible
//! connection, model `scripted-small`, for the chat benchmark. `KICKSTART_SEED_THREADS=N` also
//! gives it N conversations, each a question answered by the offline Task assistant (so before
//! any provider is added). The app then opens the folder with `kickstart --data-dir DATA_DIR`.

use std::time::Instant;

use kickstart_core::auth::RegisterInput;
use kickstart_core::chat::SendInput;
use kickstart_core::providers::{NewConnection, ProviderKind};
use kickstart_core::{Core, CoreConfig};
use kickstart_testkit::ChatRecorder;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (data_dir, username, password, count, provider) = match args.as_slice() {
        [data_dir, username, password, count] => (data_dir, username, password, count, None),
        [data_dir, username, password, count, url] => (data_dir, username, password, count, Some(url)),
        _ => return Err("usage: kickstart-seed DATA_DIR USERNAME PASSWORD TASKS [PROVIDER_URL]".into()),
    };
    let core = Core::open(CoreConfig::new(std::path::Path::new(data_dir).join("kickstart.db"))).await?;
    let input = RegisterInput { username: username.clone(), display_name: String::new(), password: password.clone() };
    core.auth().register(input).await?;
    let session = core.auth().session()?;
    let started = Instant::now();
    let today = chrono::Utc::now().date_naive();
    let ids = kickstart_testkit::seed::tasks(&core, &session, today, count.parse()?).await?;
    eprintln!("seeded {} tasks in {:.1} s", ids.len(), started.elapsed().as_secs_f64());
    let threads: usize = std::env::var("KICKSTART_SEED_THREADS").map_or(Ok(0), |n| n.parse())?;
    if threads > 0 {
        let started = Instant::now();
        let questions = ["what is due today?", "show overdue", "what can you do?", "show upcoming"];
        for n in 0..threads {
            let input = SendInput { thread_id: None, agent_id: None, text: questions[n % questions.len()].into() };
            core.chat().send(&session, &format!("seed-{n}"), input, &ChatRecorder::default()).await?;
        }
        eprintln!("seeded {threads} conversations in {:.1} s", started.elapsed().as_secs_f64());
    }
    if let Some(url) = provider {
        let connection = NewConnection {
            kind: ProviderKind::OpenaiCompatible,
            name: "Scripted server".into(),
            base_url: url.clone(),
            default_model: Some(kickstart_testkit::llm_server::DEFAULT_MODEL.into()),
            api_key: None,
            make_default: true,
        };
        core.providers().create(&session, connection).await?;
    }
    core.close().await;
    Ok(())
}
