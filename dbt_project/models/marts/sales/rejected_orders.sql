{#- Orders that fail a business check, with the reason, the field and what sales should do. -#}
select
    order_id,
    customer_id,
    channel,
    region,
    address_id,
    offering_id,
    ordered_at,
    state,
    rejection_reason,
    rejection_field,
    rejection_detail,
    case rejection_reason
        when 'order_not_found' then 'Check the order id with the channel; no creation was received.'
        when 'unknown_offering' then 'Re-quote with an offering from the current catalog.'
        when 'no_speed_tier' then 'Add a speed tier to the order.'
        when 'missing_installation_address' then 'Ask the customer for the installation address.'
        when 'unknown_address' then 'Match the address to the GIS address base (availability lookup).'
        when 'address_not_serviceable' then 'Offer a pre-build lead instead of an order.'
        when 'not_sold_in_region' then 'Offer a tier sold in the customer''s region.'
        when 'price_mismatch' then 'Re-quote at the catalog price for the region.'
        when 'splitter_full' then 'Hold the order and ask planning for splitter capacity.'
    end as sales_action
from {{ ref('int_orders_validated') }}
where not is_accepted
