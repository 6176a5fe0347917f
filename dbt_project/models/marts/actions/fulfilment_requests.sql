{#-
    What the action planner reads: one row per activation (a valid completion, gated by the
    completion rules and the blocking checks), with everything zero-touch provisioning, the
    first invoice and the welcome e-mail need. The ONT binds to the serial and the tier the
    technician delivered (latest valid version), on the plant that serves the address; voice
    gets its own VLAN when the order carries the voice add-on. data_through_date is the last
    day the data covers (kpi_daily's last day: the last with an order, install or activation):
    monthly billing cycles are billed once their first day is on or before it, and, when the
    subscriber asked to disconnect, on or before service_end_date (int_disconnects_dated).
-#}
with activations as (
    select * from {{ ref('activations') }}
),

context as (
    select * from {{ ref('work_order_context') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

offerings as (
    select * from {{ ref('stg_catalog__offerings') }}
),

voice as (
    select max(vlan_id) as vlan_id from offerings where offering_id = 'voice'
),

disconnects as (
    select * from {{ ref('int_disconnects_dated') }}
),

data_through as (
    select max(kpi_date) as data_through_date from {{ ref('kpi_daily') }}
)

select
    activations.order_id,
    activations.work_order_id,
    activations.customer_id,
    orders.customer_name,
    orders.customer_email,
    activations.address_id,
    activations.region,
    activations.ont_serial,
    activations.offering_id,
    delivered.offering_name,
    delivered.download_mbps,
    delivered.upload_mbps,
    coalesce(delivered.vlan_id, context.vlan_id) as service_vlan_id,
    cast({{ var('management_vlan_id', 4000) }} as integer) as management_vlan_id,
    case when ',' || coalesce(context.addon_ids, '') || ',' like '%,voice,%'
        then voice.vlan_id end as voice_vlan_id,
    coalesce(context.addon_ids, '') as addon_ids,
    context.olt_id,
    context.olt_vendor,
    context.pon_port_id,
    activations.activated_at,
    data_through.data_through_date,
    disconnects.requested_at as disconnect_requested_at,
    disconnects.service_end_date
from activations
inner join context
    on activations.work_order_id = context.work_order_id
left join orders
    on activations.order_id = orders.order_id
left join offerings as delivered
    on activations.offering_id = delivered.offering_id
left join disconnects
    on activations.order_id = disconnects.order_id
cross join voice
cross join data_through
where activations.ont_serial is not null
    and activations.offering_id is not null
    and context.olt_id is not null
