# Finds every dependency once, so targets only link imported targets.
find_package(Threads REQUIRED)
find_package(Torch REQUIRED)           # Debian's libtorch-dev 1.13 or a PyTorch install's LibTorch 2.x
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(SQLite3 REQUIRED)

# LibTorch's config puts its flags into TORCH_CXX_FLAGS and its include dirs on the torch
# target; wrap it so the flags travel with the target instead of polluting CMAKE_CXX_FLAGS.
add_library(psr_torch INTERFACE)
target_link_libraries(psr_torch INTERFACE ${TORCH_LIBRARIES})
separate_arguments(_psr_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
target_compile_options(psr_torch INTERFACE ${_psr_torch_flags})
set(PSR_TORCH_VERSION "${Torch_VERSION}")

# Data-parallel training through LibTorch's c10d with Gloo: its headers include gloo's (Debian:
# libgloo-dev; PyTorch's LibTorch bundles them). Without them a WORLD_SIZE > 1 run is refused
# with a clear error instead of failing the build.
find_path(PSR_C10D_INCLUDE_DIR torch/csrc/distributed/c10d/ProcessGroupGloo.hpp HINTS ${TORCH_INCLUDE_DIRS})
find_path(PSR_GLOO_INCLUDE_DIR gloo/algorithm.h HINTS ${TORCH_INCLUDE_DIRS})
if(PSR_C10D_INCLUDE_DIR AND PSR_GLOO_INCLUDE_DIR)
  set(PSR_HAS_C10D_GLOO ON)
else()
  set(PSR_HAS_C10D_GLOO OFF)
endif()

if(PSR_WITH_OPENCV)
  # Debian ships OpenCVConfig.cmake only in the umbrella libopencv-dev (which drags in VTK and
  # more); we install the three module packages and locate them directly.
  find_path(PSR_OPENCV_INCLUDE_DIR opencv2/core/version.hpp PATH_SUFFIXES opencv4 REQUIRED)
  add_library(psr_opencv INTERFACE)
  target_include_directories(psr_opencv SYSTEM INTERFACE ${PSR_OPENCV_INCLUDE_DIR})
  foreach(_m core imgproc imgcodecs)
    find_library(PSR_OPENCV_${_m} NAMES opencv_${_m} REQUIRED)
    target_link_libraries(psr_opencv INTERFACE ${PSR_OPENCV_${_m}})
  endforeach()
  file(STRINGS ${PSR_OPENCV_INCLUDE_DIR}/opencv2/core/version.hpp _cv_ver
       REGEX "#define CV_VERSION_(MAJOR|MINOR|REVISION) ")
  string(REGEX REPLACE ".*MAJOR +([0-9]+).*MINOR +([0-9]+).*REVISION +([0-9]+).*" "\\1.\\2.\\3"
         PSR_OPENCV_VERSION "${_cv_ver}")
else()
  set(PSR_OPENCV_VERSION "")
endif()

if(PSR_BUILD_GUI OR PSR_BUILD_TESTS)
  set(_psr_qt_components Core)
  if(PSR_BUILD_GUI)
    list(APPEND _psr_qt_components Gui Widgets Charts Svg)
  endif()
  if(PSR_BUILD_TESTS)
    list(APPEND _psr_qt_components Test)
  endif()
  find_package(Qt6 6.4 REQUIRED COMPONENTS ${_psr_qt_components})
  set(PSR_QT_VERSION "${Qt6_VERSION}")
else()
  set(PSR_QT_VERSION "")
endif()

# The emoji world (asset import, catalog, renderer) needs OpenCV's codecs, zlib for the npm
# tarballs and librsvg + cairo for OpenMoji's SVGs; the engine-only GPU build leaves it out.
include(CMakeDependentOption)
cmake_dependent_option(PSR_WITH_WORLD "Build the emoji world: asset import, catalog, scene renderer"
                       ON "PSR_WITH_OPENCV" OFF)
if(PSR_WITH_WORLD)
  find_package(ZLIB REQUIRED)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PSR_RSVG REQUIRED IMPORTED_TARGET librsvg-2.0 cairo)
endif()

# The OpenAI-compatible provider plugin speaks HTTP(S) through libcurl.
if(PSR_BUILD_PLUGINS)
  find_package(CURL REQUIRED)
endif()
