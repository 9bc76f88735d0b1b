//! Plans (platform use cases): list, create, update. A change is announced to every
//! process, which reloads its tenants' effective limits and flags.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use sqlx::types::Json;

use crate::app::App;
use crate::core::plans::{check_feature_names, check_plan_id, Limits, Plan};
use crate::core::{Error, Result};
use crate::db::audit::Audit;
use crate::db::plans::{self, PlanRow};
use crate::db::tenants::{self, RELOAD_ALL};
use crate::tenancy::directory::to_plan;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    /// Lowercase id, e.g. `growth`; tenants name it as `plan_id`.
    pub id: String,
    pub name: String,
    /// Absent or null limits are unlimited.
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub features: BTreeMap<String, bool>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlan {
    pub name: Option<String>,
    /// Replaces the plan's limits.
    pub limits: Option<Limits>,
    /// Replaces the plan's feature flags.
    pub features: Option<BTreeMap<String, bool>>,
}

fn check_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() || n.len() > 100 {
        return Err(Error::invalid("name must be 1 to 100 characters"));
    }
    Ok(n.to_owned())
}

fn to_row(p: &Plan) -> Result<PlanRow> {
    let json = |v: serde_json::Result<serde_json::Value>| v.map(Json).map_err(|e| Error::Internal(e.into()));
    Ok(PlanRow {
        id: p.id.clone(),
        name: p.name.clone(),
        limits: json(serde_json::to_value(&p.limits))?,
        features: json(serde_json::to_value(&p.features))?,
    })
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Plan with id: {id} was not found"))
}

/// Every plan, oldest first (the built-in set, then the operator's).
pub async fn list(app: &App) -> Result<Vec<Plan>> {
    let rows = plans::all(app.platform().control()).await?;
    Ok(rows.into_iter().map(to_plan).collect())
}

pub fn get(app: &App, id: &str) -> Result<Plan> {
    app.directory
        .plan(id)
        .map(|p| (*p).clone())
        .ok_or_else(|| not_found(id))
}

pub async fn create(app: &App, audit: &Arc<Audit>, input: CreatePlan) -> Result<Plan> {
    check_feature_names(input.features.keys())?;
    let plan = Plan {
        id: check_plan_id(&input.id)?,
        name: check_name(&input.name)?,
        limits: input.limits.validate()?,
        features: input.features,
    };
    let mut tx = app.platform().begin_audited(audit).await?;
    if plans::find(&mut tx, &plan.id).await?.is_some() {
        return Err(Error::Duplicate(format!("A plan with id '{}' already exists", plan.id)));
    }
    plans::insert(&mut tx, &to_row(&plan)?).await?;
    tenants::notify_changed(&mut tx, RELOAD_ALL).await?;
    tx.commit().await?;
    app.directory.reload_all().await?;
    Ok(plan)
}

/// Changes a plan; every tenant on it gets the new limits and flags at once.
pub async fn update(app: &App, audit: &Arc<Audit>, id: &str, input: UpdatePlan) -> Result<Plan> {
    let mut tx = app.platform().begin_audited(audit).await?;
    let mut plan = to_plan(
        plans::find_for_update(&mut tx, id)
            .await?
            .ok_or_else(|| not_found(id))?,
    );
    if let Some(n) = &input.name {
        plan.name = check_name(n)?;
    }
    if let Some(l) = input.limits {
        plan.limits = l.validate()?;
    }
    if let Some(f) = input.features {
        check_feature_names(f.keys())?;
        plan.features = f;
    }
    plans::update(&mut tx, &to_row(&plan)?).await?;
    tenants::notify_changed(&mut tx, RELOAD_ALL).await?;
    tx.commit().await?;
    app.directory.reload_all().await?;
    Ok(plan)
}
