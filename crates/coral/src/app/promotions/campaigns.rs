//! `/admin/campaigns` use cases: Medusa's campaign body (dates, a usage or spend budget).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::app::promotions::admin::check_feature;
use crate::core::{Error, Result};
use crate::db::campaigns::{self, CampaignFields, CampaignRow};
use crate::tenancy::TenantCtx;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetIn {
    pub r#type: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub limit: Option<Decimal>,
    pub currency_code: Option<String>,
    pub attribute: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignIn {
    pub name: Option<String>,
    pub description: Option<String>,
    pub campaign_identifier: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub budget: Option<BudgetIn>,
}

/// A campaign with the ids and codes of its promotions.
pub struct Campaign {
    pub row: CampaignRow,
    pub promotions: Vec<(String, String)>,
}

fn not_found(id: &str) -> Error {
    Error::not_found(format!("Campaign with id: {id} was not found"))
}

fn merge(f: &mut CampaignFields, used: Decimal, input: CampaignIn) -> Result<()> {
    if let Some(n) = input.name {
        f.name = n.trim().to_owned();
    }
    if input.description.is_some() {
        f.description = input.description;
    }
    if let Some(c) = input.campaign_identifier {
        f.campaign_identifier = c.trim().to_owned();
    }
    if input.starts_at.is_some() {
        f.starts_at = input.starts_at;
    }
    if input.ends_at.is_some() {
        f.ends_at = input.ends_at;
    }
    if let Some(b) = input.budget {
        if let Some(t) = b.r#type {
            if f.budget_type.as_ref().is_some_and(|cur| *cur != t) {
                return Err(Error::invalid("The budget type of a campaign cannot change"));
            }
            if t != "usage" && t != "spend" {
                return Err(Error::invalid(format!(
                    "Invalid request: Invalid value for 'budget.type': '{t}' (expected one of usage, spend)"
                )));
            }
            f.budget_type = Some(t);
        }
        if let Some(c) = b.currency_code {
            f.budget_currency_code = Some(c.to_ascii_lowercase());
        }
        if b.limit.is_some() {
            f.budget_limit = b.limit;
        }
        if f.budget_type.is_none() {
            f.budget_type = Some("usage".into());
        }
    }
    if f.name.is_empty() {
        return Err(Error::invalid("Invalid request: Field 'name' is required"));
    }
    if f.campaign_identifier.is_empty() {
        return Err(Error::invalid(
            "Invalid request: Field 'campaign_identifier' is required",
        ));
    }
    if let (Some(s), Some(e)) = (f.starts_at, f.ends_at) {
        if e <= s {
            return Err(Error::invalid("A campaign must end after it starts"));
        }
    }
    if let Some(l) = f.budget_limit {
        if l < Decimal::ZERO {
            return Err(Error::invalid("Invalid request: 'budget.limit' must not be negative"));
        }
        if l < used {
            return Err(Error::invalid(format!(
                "The budget limit cannot be below what is used so far ({used})"
            )));
        }
        if f.budget_type.as_deref() == Some("usage") && !l.fract().is_zero() {
            return Err(Error::invalid("A usage budget's limit is a whole number"));
        }
    }
    if f.budget_type.as_deref() == Some("spend") && f.budget_currency_code.is_none() {
        return Err(Error::invalid("A spend budget needs a currency_code"));
    }
    Ok(())
}

/// Pairs campaigns with their promotions (one query for all).
async fn with_promotions(tx: &mut crate::db::TenantTx, rows: Vec<CampaignRow>) -> Result<Vec<Campaign>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let all = campaigns::promotions_of(tx, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let promotions = all
                .iter()
                .filter(|(c, _, _)| *c == row.id)
                .map(|(_, id, code)| (id.clone(), code.clone()))
                .collect();
            Campaign { row, promotions }
        })
        .collect())
}

async fn load(tx: &mut crate::db::TenantTx, id: &str) -> Result<Campaign> {
    let row = campaigns::get(tx, id).await?.ok_or_else(|| not_found(id))?;
    let mut out = with_promotions(tx, vec![row]).await?;
    out.pop().ok_or_else(|| not_found(id))
}

pub async fn create(ctx: &TenantCtx, input: CampaignIn) -> Result<Campaign> {
    check_feature(ctx)?;
    let mut f = CampaignFields {
        name: String::new(),
        description: None,
        campaign_identifier: String::new(),
        starts_at: None,
        ends_at: None,
        budget_type: None,
        budget_currency_code: None,
        budget_limit: None,
    };
    merge(&mut f, Decimal::ZERO, input)?;
    let mut tx = ctx.db.begin().await?;
    let id = campaigns::insert(&mut tx, &f).await?;
    let c = load(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(c)
}

pub async fn update(ctx: &TenantCtx, id: &str, input: CampaignIn) -> Result<Campaign> {
    check_feature(ctx)?;
    let mut tx = ctx.db.begin().await?;
    let current = load(&mut tx, id).await?.row;
    let mut f = current.fields();
    merge(&mut f, current.budget_used, input)?;
    campaigns::update(&mut tx, id, &f).await?;
    let c = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(c)
}

pub async fn get(ctx: &TenantCtx, id: &str) -> Result<Campaign> {
    check_feature(ctx)?;
    let mut tx = ctx.db.begin().await?;
    let c = load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(c)
}

pub async fn list(ctx: &TenantCtx, limit: i64, offset: i64) -> Result<(Vec<Campaign>, i64)> {
    check_feature(ctx)?;
    let mut tx = ctx.db.begin().await?;
    let (rows, count) = campaigns::list(&mut tx, limit, offset).await?;
    let out = with_promotions(&mut tx, rows).await?;
    tx.commit().await?;
    Ok((out, count))
}

pub async fn delete(ctx: &TenantCtx, id: &str) -> Result<()> {
    check_feature(ctx)?;
    let mut tx = ctx.db.begin().await?;
    if !campaigns::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await
}
