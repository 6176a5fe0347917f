{#-
    Great-circle distance in metres between two WGS84 points given in degrees.
    Portable SQL (radians, sin, cos, asin, sqrt); `least` guards asin against rounding above 1.
-#}
{% macro haversine_m(lat1, lon1, lat2, lon2) -%}
    (2 * {{ var('earth_radius_m') }} * asin(sqrt(least(1.0,
        power(sin((radians({{ lat2 }}) - radians({{ lat1 }})) / 2), 2)
        + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }}))
          * power(sin((radians({{ lon2 }}) - radians({{ lon1 }})) / 2), 2)
    ))))
{%- endmacro %}

{#- Largest latitude difference, in degrees, two points `distance_m` apart can have: a safe pre-filter. -#}
{% macro max_lat_delta_deg(distance_m) -%}
    degrees({{ distance_m }} / {{ var('earth_radius_m') }})
{%- endmacro %}
