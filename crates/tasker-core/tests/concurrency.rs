//! Several threads polling and completing against one engine: every step is handed out
//! exactly once and every task completes.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::thread;

use common::*;
use serde_json::json;
use tasker_core::dto::ListTasksParams;

#[test]
fn concurrent_workers_hand_out_each_step_exactly_once() {
    const TASKS: usize = 40;
    const THREADS: usize = 8;
    let engine = Arc::new(seeded());
    for i in 0..TASKS {
        let req = if i % 2 == 0 { report() } else { order() };
        engine.create_task(req).expect("create");
    }
    let total_steps = TASKS * 4;
    let handed_out = Arc::new(Mutex::new(Vec::new()));

    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let engine = Arc::clone(&engine);
            let handed_out = Arc::clone(&handed_out);
            thread::spawn(move || loop {
                match engine.poll_step_event().expect("poll") {
                    Some(event) => {
                        handed_out
                            .lock()
                            .expect("lock")
                            .push(event.step_uuid.clone());
                        let result = success(&event, json!({ "thread": true }));
                        assert_eq!(
                            engine.complete_step_event(&event.event_id, result),
                            Ok(true)
                        );
                        // Readers run alongside writers.
                        engine.get_task(&event.task_uuid).expect("get");
                    }
                    None => {
                        if engine.dispatch_metrics().completed_count as usize == total_steps {
                            break;
                        }
                        thread::yield_now();
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker thread");
    }

    let handed_out = handed_out.lock().expect("lock");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for uuid in handed_out.iter() {
        *counts.entry(uuid.as_str()).or_default() += 1;
    }
    assert_eq!(counts.len(), total_steps);
    assert!(counts.values().all(|&n| n == 1));
    let complete = engine
        .list_tasks(ListTasksParams {
            status: Some("complete".to_owned()),
            per_page: Some(100),
            ..Default::default()
        })
        .expect("list");
    assert_eq!(complete.pagination.total_count as usize, TASKS);
    assert_eq!(engine.status().in_flight, 0);
}
