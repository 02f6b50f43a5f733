//! Fills a data folder with a profile and many tasks, to measure the real app with a full
//! database: `kickstart-seed DATA_DIR USERNAME PASSWORD TASKS`. The app then opens it with
//! `kickstart --data-dir DATA_DIR`.

use std::time::Instant;

use kickstart_core::auth::RegisterInput;
use kickstart_core::{Core, CoreConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data_dir, username, password, count] = args.as_slice() else {
        return Err("usage: kickstart-seed DATA_DIR USERNAME PASSWORD TASKS".into());
    };
    let core = Core::open(CoreConfig::new(std::path::Path::new(data_dir).join("kickstart.db"))).await?;
    let input = RegisterInput { username: username.clone(), display_name: String::new(), password: password.clone() };
    core.auth().register(input).await?;
    let session = core.auth().session()?;
    let started = Instant::now();
    let today = chrono::Utc::now().date_naive();
    let ids = kickstart_testkit::seed::tasks(&core, &session, today, count.parse()?).await?;
    eprintln!("seeded {} tasks in {:.1} s", ids.len(), started.elapsed().as_secs_f64());
    core.close().await;
    Ok(())
}
