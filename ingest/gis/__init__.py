"""GIS reading: KML/KMZ, GeoJSON and CSV features, CRS reprojection, address normalisation."""
